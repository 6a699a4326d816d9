package io.vigil.pipelines.spec;

/** What a window does with a grid cell that no reading of a channel fell into. */
public enum MissingPolicy implements ConfigOptions.Named {
    /**
     * Carry the channel's previous value forward, if it is no older than the window's max gap; a
     * longer gap skips the window.
     */
    FORWARD_FILL("forward-fill"),
    /** Put the channel's normal value (the model card's mean) in the cell. */
    MASK("mask"),
    /** Skip the window, counted. */
    SKIP("skip");

    private final String yaml;

    MissingPolicy(String yaml) {
        this.yaml = yaml;
    }

    /** The name operators write in YAML. */
    @Override
    public String yaml() {
        return yaml;
    }
}
