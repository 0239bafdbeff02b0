package dev.beacon.control.ops;

import java.util.List;

/** The body of {@code PUT /api/integrations/{id}/emergency-policies}: the complete list (empty: none). */
public record EmergencyPoliciesRequest(List<String> policies) {}
