package io.vigil.gateway.simulator;

/**
 * One sample of a centrifugal pump's telemetry, in engineering units.
 *
 * @param asset asset id, e.g. {@code pump-03}
 * @param timestampMillis event time, epoch milliseconds
 * @param vibration bearing vibration velocity RMS, mm/s
 * @param pressure discharge pressure, bar
 * @param temperature bearing housing temperature, °C
 * @param current motor current, A
 * @param flow flow rate, m³/h
 * @param fault the fault active at this sample, or {@code null} when the pump is healthy
 */
public record PumpReading(
        String asset,
        long timestampMillis,
        double vibration,
        double pressure,
        double temperature,
        double current,
        double flow,
        FaultKind fault) {

    /** The channel names, in the order of the fields above. */
    public static final String[] CHANNELS = {
        "vibration", "pressure", "temperature", "current", "flow"
    };

    /** The JSON payload a pump controller would publish: event time plus one field per channel. */
    public String toJson() {
        return "{\"ts\":"
                + timestampMillis
                + ",\"vibration\":"
                + round(vibration)
                + ",\"pressure\":"
                + round(pressure)
                + ",\"temperature\":"
                + round(temperature)
                + ",\"current\":"
                + round(current)
                + ",\"flow\":"
                + round(flow)
                + "}";
    }

    private static String round(double value) {
        return Double.toString(Math.round(value * 10_000.0) / 10_000.0);
    }
}
