package io.vigil.gateway.simulator;

import java.io.IOException;
import java.io.Writer;
import java.util.Locale;

/**
 * Writes simulator output as CSV, the training-data format of {@code models/training}: one row per
 * reading with its asset, event time, the five channels and the active fault (empty when healthy).
 */
public final class CsvExport {

    public static final String HEADER =
            "ts,asset,vibration,pressure,temperature,current,flow,fault";

    private CsvExport() {}

    /** Steps the simulator {@code steps} times and writes every reading; returns the row count. */
    public static long write(PumpSimulator simulator, long steps, Writer out) throws IOException {
        out.write(HEADER);
        out.write('\n');
        long rows = 0;
        for (long s = 0; s < steps; s++) {
            for (PumpReading r : simulator.nextStep()) {
                out.write(
                        String.format(
                                Locale.ROOT,
                                "%d,%s,%.4f,%.4f,%.4f,%.4f,%.4f,%s%n",
                                r.timestampMillis(),
                                r.asset(),
                                r.vibration(),
                                r.pressure(),
                                r.temperature(),
                                r.current(),
                                r.flow(),
                                r.fault() == null ? "" : r.fault().label()));
                rows++;
            }
        }
        return rows;
    }
}
