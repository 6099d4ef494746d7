package io.github.pipeline.analytics.functions;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProvisionalQueueTest {
    @Test
    void keysAreDueAtTheStartOfTheirBucketNeverLater() {
        var q = new ProvisionalQueue<String>(100);
        assertEquals(2_000, q.bucketOf(2_000));
        assertEquals(2_000, q.bucketOf(2_099));
        assertEquals(-100, q.bucketOf(-1));
    }

    @Test
    void oneNewBucketPerBucketStartTheRestJoinIt() {
        var q = new ProvisionalQueue<String>(100);
        assertEquals(2_000, q.add("a", 2_050), "a new bucket: the caller registers its timer");
        assertEquals(ProvisionalQueue.EXISTING_BUCKET, q.add("b", 2_099));
        assertEquals(2_100, q.add("c", 2_100));
        assertEquals(3, q.size());
    }

    @Test
    void takesEveryBucketUpToNowEarliestFirst() {
        var q = new ProvisionalQueue<String>(100);
        q.add("late", 2_300);
        q.add("early", 2_000);
        q.add("middle", 2_150);
        assertEquals(List.of(), q.takeDue(1_999));
        assertEquals(List.of("early", "middle"), q.takeDue(2_100));
        assertEquals(List.of("late"), q.takeDue(5_000));
        assertEquals(0, q.size());
        assertEquals(2_000, q.add("again", 2_000), "a bucket taken is a new bucket when used again");
    }
}
