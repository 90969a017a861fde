package ncd.runtime;

/**
 * A run-time error caused by the data, not by a bug: an input or parameter that does not fit the circuit, an index
 * out of range. Every backend throws this (or a subclass) with the same message for the same mistake.
 */
public class RunException extends RuntimeException {
    public RunException(String message) { super(message); }
}
