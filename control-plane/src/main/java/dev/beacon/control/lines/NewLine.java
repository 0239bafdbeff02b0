package dev.beacon.control.lines;

/**
 * A security line as ops send it ({@code POST /api/integrations/{id}/lines}).
 *
 * @param line a phone number in E.164 form ({@code +15550100}) or a Teams resource account ({@code 28:orgid:<guid>})
 * @param name what to call the line when Graph has no resource account for it; optional
 */
public record NewLine(String line, String name) {}
