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
    // The card's mean and inverse standard deviation repeated for every row of a window, so the
    // loop below is one flat pass that the JIT turns into SIMD instructions; a loop over rows and
    // channels (a division or an inner loop of a few channels per value) is not, and was the
    // largest Java cost of the inference operator.
    private final float[] windowMean;
    private final float[] windowInverseStd;
    private float[] normalized = new float[0];

    WindowNormalizer(ModelCard card) {
        this.windowSize = card.windowSize();
        int channels = card.channelCount();
        float[] mean = card.mean();
        float[] std = card.std();
        this.windowMean = new float[windowSize];
        this.windowInverseStd = new float[windowSize];
        for (int i = 0; i < windowSize; i++) {
            windowMean[i] = mean[i % channels];
            windowInverseStd[i] = 1f / std[i % channels];
        }
    }

    /**
     * Normalizes {@code batch} windows stored back to back, time-major, and returns the buffer that
     * holds them; only its first {@code batch * windowSize} floats are meaningful, and it is
     * overwritten by the next call.
     */
    float[] normalize(float[] windows, int batch) {
        if (normalized.length < batch * windowSize) {
            normalized = new float[batch * windowSize];
        }
        for (int w = 0; w < batch; w++) {
            int base = w * windowSize;
            for (int i = 0; i < windowSize; i++) {
                normalized[base + i] = (windows[base + i] - windowMean[i]) * windowInverseStd[i];
            }
        }
        return normalized;
    }
}
