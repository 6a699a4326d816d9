package io.vigil.pipelines.internal.decode;

import io.vigil.pipelines.OutboundMessage;
import java.util.ArrayList;
import java.util.List;

/** Keeps what a decoder hands over, for the decoder tests to assert on. */
final class RecordedReadings implements Readings {

    /** A reading with its values boxed, so that equals compares them (NaN equals NaN). */
    record Reading(String asset, long timestamp, List<Float> values) {}

    final List<Reading> readings = new ArrayList<>();
    final List<String> rejects = new ArrayList<>();
    final List<OutboundMessage> commands = new ArrayList<>();
    int unused;

    /** The reading a decoder hands over as {@code (asset, timestamp, values)}. */
    static Reading readingOf(String asset, long timestamp, float... values) {
        List<Float> boxed = new ArrayList<>();
        for (float value : values) {
            boxed.add(value);
        }
        return new Reading(asset, timestamp, boxed);
    }

    @Override
    public void reading(String asset, long timestamp, float[] values) {
        readings.add(readingOf(asset, timestamp, values));
    }

    @Override
    public void reject(String reason) {
        rejects.add(reason);
    }

    @Override
    public void unused() {
        unused++;
    }

    @Override
    public void command(OutboundMessage message) {
        commands.add(message);
    }

    void clear() {
        readings.clear();
        rejects.clear();
        commands.clear();
        unused = 0;
    }
}
