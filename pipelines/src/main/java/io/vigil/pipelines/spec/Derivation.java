package io.vigil.pipelines.spec;

/** How a derived channel is computed from another channel on the window's grid. */
public enum Derivation implements ConfigOptions.Named {
    /** This row's value minus the previous row's; 0 in the first row. */
    DIFFERENCE("difference"),
    /** Root mean square over the last {@code samples} rows (fewer at the window's start). */
    ROLLING_RMS("rolling-rms");

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
