package ncd.frontend;

/**
 * Told how long each phase of the frontend took, in the order they ran: {@code parse} (the file given), {@code resolve}
 * (its names declared; the modules it imports found, parsed and linked, the stdlib's included), {@code check}
 * (elaboration: names, axes, dtypes, units, dynamics). {@code ncdc bench} and {@code --timings} print them under the frontend's stage.
 */
@FunctionalInterface
public interface Phases {
    Phases NONE = (phase, nanos) -> { };

    void took(String phase, long nanos);
}
