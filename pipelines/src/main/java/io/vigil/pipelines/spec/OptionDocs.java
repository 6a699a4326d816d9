package io.vigil.pipelines.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.pipelines.spec.ConfigOptions.Option;
import io.vigil.pipelines.spec.ConfigOptions.Type;
import java.util.List;
import java.util.Set;

/**
 * What editors and readers see of a {@link ConfigOptions}: its JSON Schema (draft 2020-12, for
 * completion and checking as the operator types) and its reference table (markdown). Both are
 * generated from the options, so neither can drift from what the parser accepts; tests compare the
 * committed files with what this produces.
 */
public final class OptionDocs {

    private static final String DURATION = "^\\d+(\\.\\d+)?\\s*(ms|s|m|h)$";
    private static final String RATE = "^\\d+(\\.\\d+)?\\s*/\\s*(s|min|h)$";
    private static final String POINTER = "^(/([^~]|~[01])*)*$";

    private OptionDocs() {}

    /**
     * The JSON Schema of a file of these options.
     *
     * @param id the schema's {@code $id}
     * @param title its title
     * @param rules extra schema keywords for the root (such as {@code allOf} rules the keys alone
     *     cannot say), or {@code null}
     */
    public static String schema(ConfigOptions options, String id, String title, JsonNode rules) {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.put("$id", id);
        root.put("title", title);
        block(json, options, "", root);
        if (rules != null) {
            rules.fields().forEachRemaining(e -> root.set(e.getKey(), e.getValue()));
        }
        try {
            return json.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void block(
            ObjectMapper json, ConfigOptions options, String path, ObjectNode node) {
        node.put("type", "object");
        ObjectNode properties = node.putObject("properties");
        ArrayNode required = json.createArrayNode();
        for (String key : options.keysOf(path)) {
            Option option = options.get(path.isEmpty() ? key : path + "." + key);
            properties.set(key, value(json, options, option));
            if (option.required()) {
                required.add(key);
            }
        }
        if (!required.isEmpty()) {
            node.set("required", required);
        }
        node.put("additionalProperties", false);
    }

    private static ObjectNode value(ObjectMapper json, ConfigOptions options, Option option) {
        ObjectNode node = json.createObjectNode();
        node.put("description", option.description());
        switch (option.type()) {
            case BLOCK -> {
                // A block with every key commented out is empty (null): all defaults.
                ObjectNode object = json.createObjectNode();
                block(json, options, option.path(), object);
                node.putArray("anyOf").add(object).addObject().put("type", "null");
            }
            case STRING -> {
                node.put("type", "string");
                enumOf(node, option.values());
            }
            case INTEGER, NUMBER -> {
                node.put("type", option.type() == Type.INTEGER ? "integer" : "number");
                if (option.min() != null) {
                    node.put("minimum", option.min());
                }
                if (option.max() != null && option.max() < Double.MAX_VALUE) {
                    node.put("maximum", option.max());
                }
            }
            case BOOLEAN -> node.put("type", "boolean");
            case DURATION -> node.put("type", "string").put("pattern", DURATION);
            case RATE -> node.put("type", "string").put("pattern", RATE);
            case POINTER -> node.put("type", "string").put("pattern", POINTER);
            case STRINGS, TOPIC_FILTERS -> {
                node.put("type", "array").put("minItems", 1);
                ObjectNode items = node.putObject("items").put("type", "string");
                enumOf(items, option.values());
            }
            case CHANNELS -> {
                node.put("type", "array").put("minItems", 1);
                ObjectNode item = json.createObjectNode();
                block(json, options, option.path(), item);
                node.putObject("items")
                        .putArray("anyOf")
                        .add(json.createObjectNode().put("type", "string").put("minLength", 1))
                        .add(item);
            }
        }
        if (option.defaultValue() != null) {
            switch (option.type()) {
                case INTEGER -> node.put("default", Long.parseLong(option.defaultValue()));
                case NUMBER -> node.put("default", Double.parseDouble(option.defaultValue()));
                case BOOLEAN -> node.put("default", Boolean.parseBoolean(option.defaultValue()));
                default -> node.put("default", option.defaultValue());
            }
        }
        return node;
    }

    private static void enumOf(ObjectNode node, List<String> values) {
        if (!values.isEmpty()) {
            ArrayNode choices = node.putArray("enum");
            values.forEach(choices::add);
        }
    }

    /** The reference table: one row per key, with its type, default and meaning. */
    public static String table(ConfigOptions options) {
        StringBuilder md = new StringBuilder();
        md.append("| key | type | default | meaning |\n|---|---|---|---|\n");
        for (Option option : options.all()) {
            md.append("| `")
                    .append(option.path())
                    .append("` | ")
                    .append(type(option))
                    .append(" | ")
                    .append(
                            option.required()
                                    ? "required"
                                    : option.defaultValue() == null
                                            ? ""
                                            : "`" + option.defaultValue() + "`")
                    .append(" | ")
                    .append(option.description().replace("|", "\\|"))
                    .append(" |\n");
        }
        return md.toString();
    }

    private static final Set<Type> LISTS = Set.of(Type.STRINGS, Type.TOPIC_FILTERS, Type.CHANNELS);

    private static String type(Option option) {
        String base =
                switch (option.type()) {
                    case BLOCK -> "block";
                    case STRING -> "text";
                    case INTEGER -> "integer";
                    case NUMBER -> "number";
                    case BOOLEAN -> "true/false";
                    case DURATION -> "duration";
                    case RATE -> "rate";
                    case POINTER -> "JSON Pointer";
                    case TOPIC_FILTERS -> "list of topic templates";
                    case STRINGS -> "list of texts";
                    case CHANNELS -> "list of channels";
                };
        if (!option.values().isEmpty()) {
            base += LISTS.contains(option.type()) ? " from " : ": ";
            base += String.join(", ", option.values().stream().map(v -> "`" + v + "`").toList());
        }
        if (option.min() != null
                && !LISTS.contains(option.type())
                && option.type() != Type.DURATION) {
            base +=
                    " "
                            + number(option.min())
                            + "–"
                            + (option.max() == null || option.max() >= Double.MAX_VALUE
                                    ? "∞"
                                    : number(option.max()));
        }
        return base;
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? String.valueOf((long) value)
                : String.valueOf(value);
    }
}
