package io.vigil.pipelines.spec;

import io.vigil.pipelines.spec.ConfigOptions.Type;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads typed values out of a composed YAML tree by dotted key path and collects every mistake with
 * its position, so a file with five mistakes yields five messages and not one.
 */
public final class YamlReader {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*/\\s*(s|min|h)");

    private final String file;
    private final ConfigOptions options;
    private final MappingNode root;
    // The path of the list whose item this reader reads, or "" for a whole document.
    private final String prefix;
    private final List<SpecError> errors;

    public YamlReader(String file, ConfigOptions options, MappingNode root) {
        this(file, options, root, "", new ArrayList<>());
    }

    private YamlReader(
            String file,
            ConfigOptions options,
            MappingNode root,
            String prefix,
            List<SpecError> errors) {
        this.file = file;
        this.options = options;
        this.root = root;
        this.prefix = prefix;
        this.errors = errors;
    }

    /**
     * A reader for one block item of the list at {@code listPath}: its keys are read by their full
     * paths ({@code source.channels.scale}) and its mistakes join this reader's.
     */
    public YamlReader item(MappingNode item, String listPath) {
        return new YamlReader(file, options, item, listPath, errors);
    }

    /**
     * Parses YAML text into its node tree, or fails with the position of the syntax error.
     * Duplicate keys are errors.
     */
    public static MappingNode compose(String fileName, String yaml, ConfigOptions options) {
        LoaderOptions loader = new LoaderOptions();
        loader.setAllowDuplicateKeys(false);
        Node root;
        try {
            root = new Yaml(new SafeConstructor(loader)).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
            int line = mark == null ? 1 : mark.getLine() + 1;
            int column = mark == null ? 1 : mark.getColumn() + 1;
            throw new ConfigException(
                    List.of(
                            new SpecError(
                                    fileName,
                                    line,
                                    column,
                                    "",
                                    "not valid YAML: " + problem.trim() + flowHint(problem))));
        }
        if (!(root instanceof MappingNode mapping)) {
            int line = root == null ? 1 : root.getStartMark().getLine() + 1;
            String found = root == null ? "an empty file" : describe(root);
            throw new ConfigException(
                    List.of(
                            new SpecError(
                                    fileName,
                                    line,
                                    1,
                                    "",
                                    "expected a block of keys "
                                            + options.keysOf("")
                                            + ", found "
                                            + found)));
        }
        return mapping;
    }

    /** Braces in an unquoted value inside [a, flow, list] open a block: the classic slip. */
    private static String flowHint(String problem) {
        return problem.contains("expected ',' or ']'") || problem.contains("expected ',' or '}'")
                ? ". Inside [ ] and { }, quote values that contain braces, such as"
                        + " ['plant/{asset}/telemetry'], or write the list one '- item' per line"
                : "";
    }

    /** Every mistake found so far. */
    public List<SpecError> errors() {
        return errors;
    }

    public void error(Node at, String path, String message) {
        Mark mark = at.getStartMark();
        errors.add(new SpecError(file, mark.getLine() + 1, mark.getColumn() + 1, path, message));
    }

    /**
     * Checks that {@code block} and every block below it hold only declared keys, and that required
     * keys are present.
     */
    public void checkKeys(String block) {
        Node node = block.equals(prefix) ? root : node(block);
        if (node == null || isNull(node)) {
            // An optional block with every key commented out: all defaults.
            return;
        }
        if (!(node instanceof MappingNode mapping)) {
            error(
                    node,
                    block,
                    "expected a block of keys "
                            + options.keysOf(block)
                            + ", found "
                            + describe(node));
            return;
        }
        Set<String> allowed = options.keysOf(block);
        Map<String, Node> seen = new HashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            String key = scalar(tuple.getKeyNode());
            Node first = seen.putIfAbsent(key, tuple.getKeyNode());
            if (first != null) {
                error(
                        tuple.getKeyNode(),
                        join(block, key),
                        "duplicate key '"
                                + key
                                + "', first given on line "
                                + (first.getStartMark().getLine() + 1));
            } else if (!allowed.contains(key)) {
                String where = block.isEmpty() ? "at the top level" : "in '" + block + "'";
                error(
                        tuple.getKeyNode(),
                        join(block, key),
                        "unknown key '"
                                + key
                                + "' "
                                + where
                                + "; allowed keys: "
                                + allowed
                                + hint(key, allowed)
                                + (hint(key, allowed).isEmpty() ? indentHint(key, tuple) : ""));
            }
        }
        for (String key : allowed) {
            String path = join(block, key);
            ConfigOptions.Option option = options.get(path);
            if (option.required() && child(mapping, key) == null) {
                error(
                        mapping,
                        path,
                        "missing required key '" + key + "' (" + option.description() + ")");
            } else if (option.type() == Type.BLOCK) {
                checkKeys(path);
            }
        }
    }

    /** The node at a dotted path, or {@code null} where any part is missing. */
    public Node node(String path) {
        Node current = root;
        String relative = relative(path);
        if (relative.isEmpty()) {
            return root;
        }
        for (String key : relative.split("\\.")) {
            // A block written with every key commented out is null: it holds nothing.
            if (!(current instanceof MappingNode mapping)) {
                return null;
            }
            current = child(mapping, key);
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    public String string(String path) {
        Node node = node(path);
        if (node == null) {
            return options.get(path).defaultValue();
        }
        if (!(node instanceof ScalarNode scalar) || scalar.getTag().equals(Tag.NULL)) {
            error(node, path, "expected a text value, found " + describe(node));
            return null;
        }
        return scalar.getValue();
    }

    /** An integer within the option's declared range. */
    public Integer integer(String path) {
        ConfigOptions.Option option = options.get(path);
        return integer(
                path,
                option.min() == null ? Integer.MIN_VALUE : option.min().intValue(),
                option.max() == null ? Integer.MAX_VALUE : option.max().intValue());
    }

    /** A number within the option's declared range. */
    public Double number(String path) {
        ConfigOptions.Option option = options.get(path);
        return number(
                path,
                option.min() == null ? -Double.MAX_VALUE : option.min(),
                option.max() == null ? Double.MAX_VALUE : option.max());
    }

    public Boolean bool(String path) {
        String text = string(path);
        if (text == null) {
            return null;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> {
                error(at(path), path, "expected true or false, found '" + text + "'");
                yield null;
            }
        };
    }

    /** One of the enum's values, by its YAML name. */
    public <E extends Enum<E> & ConfigOptions.Named> E choice(String path, Class<E> type) {
        String text = string(path);
        if (text == null) {
            return null;
        }
        for (E value : type.getEnumConstants()) {
            if (value.yaml().equals(text)) {
                return value;
            }
        }
        List<String> names = java.util.Arrays.stream(type.getEnumConstants()).map(E::yaml).toList();
        error(
                at(path),
                path,
                "expected one of " + names + ", found '" + text + "'" + hint(text, names));
        return null;
    }

    /** A rate such as {@code 10/min}, in events per second. */
    public Double rate(String path) {
        String text = string(path);
        if (text == null) {
            return null;
        }
        Matcher m = RATE.matcher(text.trim().toLowerCase(Locale.ROOT));
        double amount = m.matches() ? Double.parseDouble(m.group(1)) : 0;
        if (!m.matches() || amount <= 0) {
            error(
                    at(path),
                    path,
                    "expected a positive rate such as '1/s', '10/min' or '100/h', found '"
                            + text
                            + "'");
            return null;
        }
        return switch (m.group(2)) {
            case "s" -> amount;
            case "min" -> amount / 60;
            default -> amount / 3_600;
        };
    }

    /** A JSON Pointer (RFC 6901): empty, or '/'-separated tokens with only ~0 and ~1 escapes. */
    public String pointer(String path) {
        String text = string(path);
        if (text == null) {
            return null;
        }
        String problem = pointerProblem(text);
        if (problem != null) {
            error(at(path), path, problem);
            return null;
        }
        return text;
    }

    /** Why {@code text} is not a JSON Pointer, or {@code null} when it is one. */
    public static String pointerProblem(String text) {
        if (!text.isEmpty() && !text.startsWith("/")) {
            return "expected a JSON Pointer starting with '/', such as '/meta/asset', found '"
                    + text
                    + "'";
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '~'
                    && (i + 1 == text.length()
                            || (text.charAt(i + 1) != '0' && text.charAt(i + 1) != '1'))) {
                return "'~' in a JSON Pointer must be written '~0' ('~') or '~1' ('/'), found '"
                        + text
                        + "'";
            }
        }
        return null;
    }

    public Integer integer(String path, int min, int max) {
        String text = string(path);
        if (text == null) {
            return null;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value < min || value > max) {
                error(
                        at(path),
                        path,
                        "expected an integer from " + min + " to " + max + ", found " + value);
                return null;
            }
            return value;
        } catch (NumberFormatException e) {
            error(at(path), path, "expected an integer, found '" + text + "'");
            return null;
        }
    }

    public Double number(String path, double min, double max) {
        String text = string(path);
        if (text == null) {
            return null;
        }
        try {
            double value = Double.parseDouble(text.trim());
            if (!(value >= min && value <= max)) {
                error(
                        at(path),
                        path,
                        "expected a number from " + min + " to " + max + ", found " + text);
                return null;
            }
            return value;
        } catch (NumberFormatException e) {
            error(at(path), path, "expected a number, found '" + text + "'");
            return null;
        }
    }

    public Duration duration(String path) {
        String text = string(path);
        if (text == null) {
            return null;
        }
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            error(
                    at(path),
                    path,
                    "expected a duration such as '500ms', '2s', '1.5m' or '1h', found '"
                            + text
                            + "'");
            return null;
        }
        double amount = Double.parseDouble(m.group(1));
        double millis =
                switch (m.group(2)) {
                    case "ms" -> amount;
                    case "s" -> amount * 1_000;
                    case "m" -> amount * 60_000;
                    default -> amount * 3_600_000;
                };
        boolean zeroAllowed = options.get(path).min() != null && options.get(path).min() == 0;
        if (millis < (zeroAllowed ? 0 : 1) || millis != Math.rint(millis)) {
            error(
                    at(path),
                    path,
                    "expected a "
                            + (zeroAllowed ? "" : "positive ")
                            + "whole number of milliseconds, found '"
                            + text
                            + "'");
            return null;
        }
        return Duration.ofMillis((long) millis);
    }

    /** The items of a list, or {@code null} (with an error) when the node is not a list. */
    public List<Node> list(String path) {
        Node node = node(path);
        if (node == null) {
            return null;
        }
        if (node instanceof SequenceNode sequence) {
            if (sequence.getValue().isEmpty()) {
                error(node, path, "expected at least one item, found an empty list");
                return null;
            }
            return sequence.getValue();
        }
        String hint =
                node instanceof MappingNode || node instanceof ScalarNode
                        ? ". Perhaps you missed a dash prefix '-' before each item?"
                        : "";
        error(node, path, "expected a list, found " + describe(node) + hint);
        return null;
    }

    /** A list of texts, or {@code null} (with an error) when it is not one. */
    public List<String> strings(String path) {
        List<Node> items = list(path);
        if (items == null) {
            return null;
        }
        List<String> values = new ArrayList<>();
        for (Node item : items) {
            if (item instanceof ScalarNode scalar && !scalar.getTag().equals(Tag.NULL)) {
                values.add(scalar.getValue());
            } else {
                error(item, path, "expected a text item, found " + describe(item));
            }
        }
        return values;
    }

    /**
     * The node to blame for a value at {@code path}: the value itself, or its block when absent.
     */
    public Node at(String path) {
        Node node = node(path);
        if (node != null) {
            return node;
        }
        int dot = path.lastIndexOf('.');
        return dot < 0 || path.equals(prefix) ? root : at(path.substring(0, dot));
    }

    private String relative(String path) {
        if (prefix.isEmpty()) {
            return path;
        }
        if (path.equals(prefix)) {
            return "";
        }
        if (!path.startsWith(prefix + ".")) {
            throw new IllegalArgumentException(path + " is not inside " + prefix);
        }
        return path.substring(prefix.length() + 1);
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.NULL);
    }

    public static String scalar(Node node) {
        return node instanceof ScalarNode scalar ? scalar.getValue() : String.valueOf(node);
    }

    public static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a block of keys";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.NULL)) {
            return "nothing";
        }
        return "'" + scalar(node) + "'";
    }

    private static Node child(MappingNode mapping, String key) {
        for (NodeTuple tuple : mapping.getValue()) {
            if (key.equals(scalar(tuple.getKeyNode()))) {
                return tuple.getValueNode();
            }
        }
        return null;
    }

    private static String join(String block, String key) {
        return block.isEmpty() ? key : block + "." + key;
    }

    /** A did-you-mean hint for a misspelt key or value, or "" when nothing is close. */
    static String hint(String key, java.util.Collection<String> allowed) {
        String closest =
                allowed.stream()
                        .min(Comparator.comparingInt(candidate -> editDistance(key, candidate)))
                        .orElse(null);
        if (closest != null && editDistance(key, closest) <= Math.max(2, key.length() / 3)) {
            return ". Did you mean '" + closest + "'?";
        }
        return "";
    }

    private String indentHint(String key, NodeTuple tuple) {
        if (tuple.getKeyNode().getStartMark().getColumn() == 0 && prefix.isEmpty()) {
            return ". Is it indented too little, so it left the block above?";
        }
        return "";
    }

    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] =
                        Math.min(
                                Math.min(current[j - 1] + 1, previous[j] + 1),
                                previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
