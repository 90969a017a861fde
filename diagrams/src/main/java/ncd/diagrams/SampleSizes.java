package ncd.diagrams;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sizes to draw a generic circuit with, when the caller gave none: small and distinct, so that every wire label
 * tells its axes apart. Some circuits need two axes of one size (self-attention renames seq to key), so the
 * candidates go on with one pair made equal, then with every size 3. Try them in order; the first that lowers wins.
 */
public final class SampleSizes {
    private SampleSizes() {}

    /** Candidate size maps for {@code unsized}, in order; sizes in {@code given} are always kept. */
    public static List<Map<String, Integer>> candidates(List<String> unsized, Map<String, Integer> given) {
        List<Map<String, Integer>> out = new ArrayList<>();
        out.add(distinct(unsized, given, -1, -1));
        for (int i = 0; i < unsized.size(); i++) {
            for (int j = i + 1; j < unsized.size(); j++) out.add(distinct(unsized, given, i, j));
        }
        Map<String, Integer> threes = new LinkedHashMap<>();
        for (String a : unsized) threes.put(a, given.getOrDefault(a, 3));
        out.add(threes);
        return out;
    }

    /** 2, 3, 4, ... in order, with axis {@code j} given axis {@code i}'s size. */
    private static Map<String, Integer> distinct(List<String> unsized, Map<String, Integer> given, int i, int j) {
        Map<String, Integer> m = new LinkedHashMap<>();
        int next = 2;
        for (int k = 0; k < unsized.size(); k++) {
            String a = unsized.get(k);
            if (given.containsKey(a)) m.put(a, given.get(a));
            else if (k == j) m.put(a, m.get(unsized.get(i)));
            else m.put(a, next++);
        }
        return m;
    }
}
