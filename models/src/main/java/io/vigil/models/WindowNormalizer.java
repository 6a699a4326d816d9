package io.vigil.models;

/**
 * Normalizes windows in raw engineering units with a card's per-channel mean and standard
 * deviation, exactly as the model was trained: {@code (x - mean[c]) / std[c]}, computed as a
 * multiplication by the precomputed inverse. Every {@link WindowScorer} goes through this one
 * class, so the scorers cannot drift apart. Not thread-safe: it reuses its output buffer, which
 * grows only for bigger batches.
 */
final class WindowNormalizer {

    private final int windowSize;
    private final int channels;
    private final float[] mean;
    private final float[] inverseStd;
    private float[] normalized = new float[0];

    WindowNormalizer(ModelCard card) {
        this.windowSize = card.windowSize();
        this.channels = card.channelCount();
        this.mean = card.mean();
        float[] std = card.std();
        this.inverseStd = new float[std.length];
        for (int c = 0; c < std.length; c++) {
            inverseStd[c] = 1f / std[c];
        }
    }

    /**
     * Normalizes {@code batch} windows stored back to back, time-major, and returns the buffer that
     * holds them; only its first {@code batch * windowSize} floats are meaningful, and it is
     * overwritten by the next call.
     */
    float[] normalize(float[] windows, int batch) {
        int size = batch * windowSize;
        if (normalized.length < size) {
            normalized = new float[size];
        }
        // Row by row, so the channel is a loop index rather than a division per value (the profile
        // of the inference operator showed the modulo).
        for (int row = 0; row < size; row += channels) {
            for (int c = 0; c < channels; c++) {
                normalized[row + c] = (windows[row + c] - mean[c]) * inverseStd[c];
            }
        }
        return normalized;
    }
}
