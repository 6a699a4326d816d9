package io.vigil.pipelines.spec;

/** How a derived channel is computed from another channel. */
public enum Derivation implements ConfigOptions.Named {
    /** This row's value minus the previous row's; 0 in the first row. */
    DIFFERENCE("difference"),
    /** Root mean square over the last {@code samples} rows (fewer at the window's start). */
    ROLLING_RMS("rolling-rms"),
    /**
     * The mean of the asset's first {@code samples} readings of the channel (of those it has until
     * then), the same in every row: the asset's own early level, which a model can compare the
     * window with. It outlives the window, so it is kept per asset.
     */
    EARLY_MEAN("early-mean");

    private final String yaml;

    Derivation(String yaml) {
        this.yaml = yaml;
    }

    /** The name operators write in YAML. */
    @Override
    public String yaml() {
        return yaml;
    }
}
