package dev.coedit.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Figures of repeated runs: the median of every number, the first run's value for anything else. */
final class Medians {

    private Medians() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> of(List<Map<String, Object>> runs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String key : runs.get(0).keySet()) {
            List<Object> values = new ArrayList<>();
            for (Map<String, Object> r : runs) {
                values.add(r.get(key));
            }
            if (values.stream().allMatch(v -> v instanceof Number)) {
                out.put(key, median(values.stream().mapToDouble(v -> ((Number) v).doubleValue()).sorted().toArray()));
            } else if (values.stream().allMatch(v -> v instanceof Map)) {
                out.put(key, of(values.stream().map(v -> (Map<String, Object>) v).toList()));
            } else {
                out.put(key, values.get(0));
            }
        }
        return out;
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
