package io.vigil.gateway.simulator;

import java.util.Objects;

/**
 * One injected fault: which asset, what kind, and the simulated time span (milliseconds since the
 * start of the run) during which it is active.
 */
public record Fault(String asset, FaultKind kind, long startMillis, long endMillis) {

    public Fault {
        Objects.requireNonNull(asset, "asset must not be null.");
        Objects.requireNonNull(kind, "kind must not be null.");
        if (startMillis < 0 || endMillis <= startMillis) {
            throw new IllegalArgumentException(
                    "Fault span must satisfy 0 <= start < end, got ["
                            + startMillis
                            + ", "
                            + endMillis
                            + ").");
        }
    }

    /** Whether the fault is active at the given offset from the start of the run. */
    public boolean activeAt(long offsetMillis) {
        return offsetMillis >= startMillis && offsetMillis < endMillis;
    }

    /** How far into the fault the offset lies, 0 at its start and 1 at its end. */
    public double progressAt(long offsetMillis) {
        return (double) (offsetMillis - startMillis) / (endMillis - startMillis);
    }
}
