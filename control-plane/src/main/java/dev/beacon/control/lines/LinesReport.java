package dev.beacon.control.lines;

import java.util.List;

/** {@code GET /api/lines}: the configured lines and the resource-account syncs behind them. */
public record LinesReport(List<LineView> lines, List<SyncView> resourceAccountSyncs) {}
