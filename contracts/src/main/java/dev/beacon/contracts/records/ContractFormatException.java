package dev.beacon.contracts.records;

/**
 * A record that does not follow its contract. The message names the field, never quotes the content;
 * {@link #field()} and {@link #problem()} let a consumer classify it (e.g. into a dead-letter reason).
 */
public final class ContractFormatException extends Exception {

    /** What is wrong with the field. */
    public enum Problem {
        /** Absent, null or blank where a value is required. */
        MISSING,
        /** Present with the wrong JSON type (a number where a string belongs, ...). */
        WRONG_TYPE,
        /** Anything else: the right type but an unusable value, or the record as a whole. */
        INVALID
    }

    private final String field;
    private final Problem problem;

    public ContractFormatException(String message) {
        this(null, Problem.INVALID, message);
    }

    public ContractFormatException(String field, Problem problem, String message) {
        super(message, null, false, false);
        this.field = field;
        this.problem = problem;
    }

    /** The field at fault, or null when the record as a whole is. */
    public String field() {
        return field;
    }

    public Problem problem() {
        return problem;
    }
}
