package io.github.pipeline.analytics.functions;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FunnelTrackerTest {
    private static final List<String> STEPS = List.of("page_view", "click", "purchase");

    @Test
    void equalTimestampsCountInAnyOrder() {
        assertEquals(3, FunnelTracker.advance(0, STEPS, List.of("purchase", "click", "page_view")));
        assertEquals(3, FunnelTracker.advance(0, STEPS, List.of("click", "page_view", "purchase")));
        assertEquals(2, FunnelTracker.advance(0, STEPS, List.of("click", "page_view")));
    }

    @Test
    void orderAcrossTimestampsMatters() {
        int r = FunnelTracker.advance(0, STEPS, List.of("click"));
        r = FunnelTracker.advance(r, STEPS, List.of("page_view"));
        r = FunnelTracker.advance(r, STEPS, List.of("purchase"));
        assertEquals(1, r);
        r = FunnelTracker.advance(r, STEPS, List.of("click"));
        r = FunnelTracker.advance(r, STEPS, List.of("purchase"));
        assertEquals(3, r);
        assertEquals(3, FunnelTracker.advance(3, STEPS, List.of("page_view")));
    }

    @Test
    void repeatedStepsNeedDistinctEvents() {
        List<String> steps = List.of("page_view", "page_view", "purchase");
        assertEquals(1, FunnelTracker.advance(0, steps, List.of("page_view", "purchase")));
        assertEquals(3, FunnelTracker.advance(0, steps, List.of("purchase", "page_view", "page_view")));
    }

    /** Greedy per timestamp group == brute force over all choices of distinct events, on random sessions. */
    @Test
    void matchesBruteForce() {
        Random rnd = new Random(42);
        String[] types = {"page_view", "click", "purchase", "search"};
        List<List<String>> stepLists = List.of(STEPS, List.of("page_view"), List.of("click", "click", "purchase", "click"));
        for (int iter = 0; iter < 3000; iter++) {
            List<String> steps = stepLists.get(iter % stepLists.size());
            int n = 1 + rnd.nextInt(7);
            long[] ts = new long[n];
            String[] ty = new String[n];
            for (int i = 0; i < n; i++) {
                ts[i] = rnd.nextInt(4);
                ty[i] = types[rnd.nextInt(types.length)];
            }
            TreeMap<Long, List<String>> groups = new TreeMap<>();
            for (int i = 0; i < n; i++) groups.computeIfAbsent(ts[i], k -> new ArrayList<>()).add(ty[i]);
            int reached = 0;
            for (List<String> g : groups.values()) reached = FunnelTracker.advance(reached, steps, g);
            assertEquals(brute(steps, ts, ty, 0, Long.MIN_VALUE, new boolean[n]), reached);
        }
    }

    private static int brute(List<String> steps, long[] ts, String[] ty, int k, long minTs, boolean[] used) {
        if (k == steps.size()) return k;
        int best = k;
        for (int i = 0; i < ts.length; i++) {
            if (!used[i] && ty[i].equals(steps.get(k)) && ts[i] >= minTs) {
                used[i] = true;
                best = Math.max(best, brute(steps, ts, ty, k + 1, ts[i], used));
                used[i] = false;
            }
        }
        return best;
    }
}
