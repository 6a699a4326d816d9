package io.vigil.pipelines.internal;

/**
 * One asset's window resampled onto the model's grid: {@code rows × channels} floats, time-major,
 * in raw engineering units.
 *
 * @param start window start, inclusive, epoch ms
 * @param end window end, exclusive, epoch ms
 * @param filledRows grid rows that held a reading (the rest were filled from their neighbours)
 */
public record WindowTensor(String asset, long start, long end, float[] data, int filledRows) {}
