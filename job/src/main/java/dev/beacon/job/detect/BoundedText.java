package dev.beacon.job.detect;

/**
 * A view of a text that a regular expression may only read so many times. Admins write detection patterns and
 * chat participants write the text, so a badly written pattern could otherwise backtrack for minutes on one hostile
 * message and stall the whole pipeline; running out of reads ends that search instead, as a non-match.
 */
final class BoundedText implements CharSequence {

    /** Thrown out of a {@link java.util.regex.Matcher} when the budget is spent; shared, without a stack trace. */
    static final class BudgetExhausted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private BudgetExhausted() {
            super("regular expression read budget exhausted", null, false, false);
        }
    }

    static final BudgetExhausted EXHAUSTED = new BudgetExhausted();

    /** Reads a well-behaved pattern needs per character, with a wide margin; lookarounds read characters again. */
    private static final long READS_PER_CHAR = 256;
    private static final long MIN_READS = 100_000;

    private final CharSequence text;
    private long remaining;

    private BoundedText(CharSequence text, long budget) {
        this.text = text;
        this.remaining = budget;
    }

    /** A fresh budget for one search over {@code text}. */
    static BoundedText of(CharSequence text) {
        return new BoundedText(text, MIN_READS + READS_PER_CHAR * text.length());
    }

    @Override
    public char charAt(int index) {
        if (--remaining < 0) {
            throw EXHAUSTED;
        }
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return text.subSequence(start, end);
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
