package io.vigil.pipelines.spec;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys of one kind of YAML file, each declared once with its type, default and meaning. A
 * {@link YamlReader} derives the allowed keys of each block from it; docs and JSON Schemas are
 * tested against it.
 */
public final class ConfigOptions {

    /** The kinds of value a key takes. */
    public enum Type {
        STRING,
        INTEGER,
        NUMBER,
        BOOLEAN,
        DURATION,
        TOPIC_FILTERS,
        CHANNELS,
        STRINGS,
        BLOCK
    }

    /**
     * One key.
     *
     * @param path dotted path from the document root
     * @param type the kind of value
     * @param defaultValue the default as written in YAML, or {@code null} when the key is required
     *     or has no default
     * @param required whether the key must be present
     * @param description what it means, for the docs
     */
    public record Option(
            String path, Type type, String defaultValue, boolean required, String description) {}

    private final List<Option> options;

    public ConfigOptions(List<Option> options) {
        this.options = List.copyOf(options);
    }

    public List<Option> all() {
        return options;
    }

    /** The keys allowed directly under {@code block} ({@code ""} for the document root). */
    public Set<String> keysOf(String block) {
        String prefix = block.isEmpty() ? "" : block + ".";
        Set<String> keys = new LinkedHashSet<>();
        for (Option option : options) {
            if (option.path().startsWith(prefix)) {
                String rest = option.path().substring(prefix.length());
                if (!rest.isEmpty() && !rest.contains(".")) {
                    keys.add(rest);
                }
            }
        }
        return keys;
    }

    /** The option at {@code path}. */
    public Option get(String path) {
        for (Option option : options) {
            if (option.path().equals(path)) {
                return option;
            }
        }
        throw new IllegalArgumentException("No option '" + path + "'.");
    }
}
