package dev.beacon.bench.report;

/**
 * The parts of {@code docs/benchmarks.md} the report keeps verbatim: the introduction (everything before the first
 * second-level heading) and every other "## " section: those written by other tools (the webhook ingress's, by
 * {@code bench/ingress.sh}) and by people (reading the results, profiles).
 */
final class ExistingSections {

    static final String DEFAULT_INTRODUCTION = """
            # Benchmarks

            Measurements of Beacon's parts under load, with the command that reproduces each. They are figures for one
            machine and one day, not guarantees: rerun them on the hardware you deploy to. No test asserts a time.

            """;

    private ExistingSections() {}

    /** Everything before the first "## " heading, or a default introduction when the file is new. */
    static String introduction(String markdown) {
        int first = headingAt(markdown, 0);
        if (markdown.isBlank() || first < 0) {
            return markdown.isBlank() ? DEFAULT_INTRODUCTION : markdown.stripTrailing() + "\n\n";
        }
        return markdown.substring(0, first);
    }

    /** Every "## " section of {@code markdown} except the one headed {@code except}, verbatim, in their order. */
    static String allExcept(String markdown, String except) {
        StringBuilder kept = new StringBuilder();
        int start = headingAt(markdown, 0);
        while (start >= 0) {
            int end = headingAt(markdown, markdown.indexOf('\n', start) + 1);
            String section = end < 0 ? markdown.substring(start) : markdown.substring(start, end);
            if (!section.startsWith(except + "\n")) {
                kept.append(section);
            }
            if (end < 0 || markdown.indexOf('\n', start) < 0) {
                break;
            }
            start = end;
        }
        return kept.toString();
    }

    /** The index of the next line starting with "## " at or after {@code from}, or -1. */
    private static int headingAt(String markdown, int from) {
        int i = from;
        while (i < markdown.length()) {
            if ((i == 0 || markdown.charAt(i - 1) == '\n') && markdown.startsWith("## ", i)) {
                return i;
            }
            int next = markdown.indexOf('\n', i);
            if (next < 0) {
                return -1;
            }
            i = next + 1;
        }
        return -1;
    }
}
