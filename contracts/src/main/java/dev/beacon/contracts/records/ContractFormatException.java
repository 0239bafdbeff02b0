package dev.beacon.contracts.records;

/** A record that does not follow its contract. The message names the field, never quotes the content. */
public final class ContractFormatException extends Exception {
    public ContractFormatException(String message) {
        super(message, null, false, false);
    }
}
