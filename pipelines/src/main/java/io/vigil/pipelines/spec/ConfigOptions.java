package io.vigil.pipelines.spec;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys of one kind of YAML file, each declared once with its type, default, limits and meaning.
 * A {@link YamlReader} derives the allowed keys of each block and the limits of each value from it;
 * the reference docs and the JSON Schemas are generated from it and tested against it.
 */
public final class ConfigOptions {

    /** The kinds of value a key takes. */
    public enum Type {
        STRING,
        INTEGER,
        NUMBER,
        BOOLEAN,
        DURATION,
        /** A rate such as {@code 10/min}: a count per {@code s}, {@code min} or {@code h}. */
        RATE,
        /** A JSON Pointer such as {@code /meta/asset} (RFC 6901). */
        POINTER,
        TOPIC_FILTERS,
        /** A list of channels: each a name, or a block of the keys declared below the list. */
        CHANNELS,
        STRINGS,
        BLOCK
    }

    /** An enum written in YAML by its own name. */
    public interface Named {
        String yaml();
    }

    /**
     * One key.
     *
     * @param path dotted path from the document root; keys of list items hang under the list's path
     * @param type the kind of value
     * @param defaultValue the default as written in YAML, or {@code null} when the key is required
     *     or has no default
     * @param required whether the key must be present
     * @param description what it means, for the docs
     * @param values the allowed values of a text key, empty when any text goes
     * @param min the smallest number allowed, or {@code null}
     * @param max the largest number allowed, or {@code null}
     */
    public record Option(
            String path,
            Type type,
            String defaultValue,
            boolean required,
            String description,
            List<String> values,
            Double min,
            Double max) {

        public Option {
            values = List.copyOf(values);
        }

        public Option(
                String path, Type type, String defaultValue, boolean required, String description) {
            this(path, type, defaultValue, required, description, List.of(), null, null);
        }

        /** Starts a declaration: {@code Option.key("window.hop", DURATION).doc("...")}. */
        public static Option key(String path, Type type) {
            return new Option(path, type, null, false, "", List.of(), null, null);
        }

        public Option mandatory() {
            return new Option(path, type, defaultValue, true, description, values, min, max);
        }

        public Option defaultValue(String value) {
            return new Option(path, type, value, required, description, values, min, max);
        }

        public Option doc(String text) {
            return new Option(path, type, defaultValue, required, text, values, min, max);
        }

        public Option range(double from, double to) {
            return new Option(path, type, defaultValue, required, description, values, from, to);
        }

        public Option oneOf(Named... choices) {
            List<String> names = Arrays.stream(choices).map(Named::yaml).toList();
            return new Option(path, type, defaultValue, required, description, names, min, max);
        }

        public Option oneOf(String... choices) {
            return new Option(
                    path, type, defaultValue, required, description, List.of(choices), min, max);
        }
    }

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
