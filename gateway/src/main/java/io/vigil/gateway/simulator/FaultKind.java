package io.vigil.gateway.simulator;

/**
 * The faults the simulator injects, each with the physical signature a pump engineer would know.
 */
public enum FaultKind {
    /** Progressive bearing wear: vibration grows, the bearing housing warms up. */
    BEARING_WEAR("bearing-wear"),
    /** Cavitation: suction pressure collapses, flow and vibration turn rough. */
    CAVITATION("cavitation"),
    /** The temperature sensor drifts away while the pump itself is fine. */
    SENSOR_DRIFT("sensor-drift"),
    /** Electrical spikes on the motor-current signal. */
    SPIKES("spikes");

    private final String label;

    FaultKind(String label) {
        this.label = label;
    }

    /** The name used in logs, CSV exports and on the command line. */
    public String label() {
        return label;
    }
}
