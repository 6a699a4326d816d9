package io.vigil.pipelines.spec;

/** How the readings of one channel inside one grid cell become the cell's value. */
public enum Resampling implements ConfigOptions.Named {
    /** The newest reading of the cell. */
    LAST("last"),
    /** The value at the cell's start, on the straight line between the readings around it. */
    LINEAR("linear"),
    /** The mean of the cell's readings. */
    MEAN("mean");

    private final String yaml;

    Resampling(String yaml) {
        this.yaml = yaml;
    }

    /** The name operators write in YAML. */
    @Override
    public String yaml() {
        return yaml;
    }
}
