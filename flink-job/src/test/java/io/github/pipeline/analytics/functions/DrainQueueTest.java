package io.github.pipeline.analytics.functions;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DrainQueueTest {
    private static Set<String> keys(List<DrainQueue.Entry<String>> entries) {
        Set<String> out = new HashSet<>();
        for (DrainQueue.Entry<String> e : entries) out.add(e.key() + "@" + e.ts());
        return out;
    }

    @Test
    void takesExactlyTheEntriesAtOrBeforeTheWatermark() {
        var q = new DrainQueue<String>(1_000);
        q.add("a", 10_000);
        q.add("b", 10_500);
        q.add("c", 10_999);
        q.add("d", 11_000);
        q.add("e", 12_345);
        assertEquals(Set.of(), keys(q.takeDue(9_999)));
        assertEquals(Set.of("a@10000"), keys(q.takeDue(10_000)));
        assertEquals(Set.of("b@10500"), keys(q.takeDue(10_998)), "the rest of its bucket stays");
        assertEquals(Set.of("c@10999", "d@11000"), keys(q.takeDue(11_000)));
        assertEquals(1, q.size());
        assertEquals(Set.of("e@12345"), keys(q.takeDue(Long.MAX_VALUE)));
        assertEquals(0, q.size());
    }

    @Test
    void aKeyMayWaitMoreThanOnce() {
        var q = new DrainQueue<String>(1_000);
        q.add("u", 5_000);
        q.add("u", 3_000);   // an earlier event arrived later: the later entry stays and wakes the user for nothing
        assertEquals(List.of(new DrainQueue.Entry<>("u", 3_000)), q.takeDue(4_000));
        assertEquals(List.of(new DrainQueue.Entry<>("u", 5_000)), q.takeDue(5_000));
    }
}
