package dev.beacon.control.ops;

import java.util.List;

/** The body of {@code PUT /api/integrations/{id}/backfill-users}: the complete list (empty: none). */
public record BackfillUsersRequest(List<String> users) {}
