package io.vigil.pipelines;

/**
 * MQTT topic filters: syntax checks and matching, as MQTT 5 §4.7 defines them. A filter's levels
 * are split by {@code /}; {@code +} matches exactly one level and {@code #}, only as the last
 * level, matches any number of levels, including none.
 */
public final class TopicFilters {

    private TopicFilters() {}

    /** What is wrong with a filter, or {@code null} when it is valid. */
    public static String problem(String filter) {
        if (filter.isEmpty()) {
            return "a topic filter must not be empty";
        }
        if (filter.startsWith("$share/")) {
            return "write the plain filter; the gateway adds the shared-subscription prefix itself, found '"
                    + filter
                    + "'";
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
                return "'#' must be a whole level and the last one, found '" + filter + "'";
            }
            if (level.contains("+") && !level.equals("+")) {
                return "'+' must be a whole level, found '" + filter + "'";
            }
        }
        return null;
    }

    /** Whether {@code topic} matches {@code filter}. */
    public static boolean matches(String filter, String topic) {
        if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
            // MQTT 5 §4.7.2: wildcards at the first level never match system topics.
            return false;
        }
        int f = 0;
        int t = 0;
        int fl = filter.length();
        int tl = topic.length();
        while (f < fl) {
            char c = filter.charAt(f);
            if (c == '#') {
                return true;
            }
            if (c == '+') {
                while (t < tl && topic.charAt(t) != '/') {
                    t++;
                }
                f++;
            } else {
                if (t >= tl) {
                    // "a/#" also matches "a": the '#' covers the parent level.
                    return filter.startsWith("/#", f);
                }
                if (topic.charAt(t) != c) {
                    return false;
                }
                f++;
                t++;
            }
        }
        return t == tl;
    }

    /**
     * The {@code index}-th level of a topic (0-based), or {@code null} when it has fewer levels.
     */
    public static String level(String topic, int index) {
        int start = 0;
        for (int i = 0; i < index; i++) {
            start = topic.indexOf('/', start);
            if (start < 0) {
                return null;
            }
            start++;
        }
        int end = topic.indexOf('/', start);
        return end < 0 ? topic.substring(start) : topic.substring(start, end);
    }
}
