package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.Event;
import io.github.pipeline.analytics.model.WindowCount;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static io.github.pipeline.analytics.functions.Harnesses.ev;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalWindowCountOperatorTest {
    private static final long W = 1_511_544_060_000L; // a minute boundary
    private static final long NEXT = W + 60_000;
    private static final long FLUSH = 200;

    private static OneInputStreamOperatorTestHarness<Event, WindowCount> harness() throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(
                new LocalWindowCountOperator(EventsPerTypeFunction::keyOf, FLUSH));
        h.setProcessingTime(0);
        h.open();
        return h;
    }

    private static void add(OneInputStreamOperatorTestHarness<Event, WindowCount> h, String type, long ts)
            throws Exception {
        h.processElement(ev("id", "u", type, "", ts), ts);
    }

    /** What the operator emitted so far, in order: partial counts as "key=count", watermarks as "wm:W". */
    private static List<String> emitted(OneInputStreamOperatorTestHarness<Event, WindowCount> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof Watermark) {
                out.add("wm:" + ((Watermark) o).getTimestamp());
            } else {
                @SuppressWarnings("unchecked")
                WindowCount c = ((StreamRecord<WindowCount>) o).getValue();
                out.add(c.key + "=" + c.count);
            }
        }
        return out;
    }

    private static List<WindowCount> partials(OneInputStreamOperatorTestHarness<Event, WindowCount> h) {
        List<WindowCount> out = new ArrayList<>(h.extractOutputValues());
        out.sort(Comparator.comparing(c -> c.key));
        return out;
    }

    @Test
    void sumsEventsPerKeyAndSendsPartialsEveryFlushInterval() throws Exception {
        var h = harness();
        add(h, "click", W + 1);
        add(h, "click", W + 2);
        add(h, "purchase", W + 3);
        add(h, "click", NEXT + 1);
        h.setProcessingTime(FLUSH - 1);
        assertTrue(h.getOutput().isEmpty(), "nothing before the flush interval");
        h.setProcessingTime(FLUSH);
        assertEquals(List.of(new WindowCount(W + "|click", W, 2), new WindowCount(W + "|purchase", W, 1),
                new WindowCount(NEXT + "|click", NEXT, 1)), partials(h));

        add(h, "click", W + 4);   // a new partial: 1, not a running total
        h.setProcessingTime(2 * FLUSH);
        assertEquals(new WindowCount(W + "|click", W, 1), h.extractOutputValues().get(3));
        h.setProcessingTime(3 * FLUSH);
        assertEquals(4, h.extractOutputValues().size(), "nothing new: nothing sent");
        h.close();
    }

    @Test
    void aWatermarkFirstSendsThePartialsOfTheWindowsItCloses() throws Exception {
        var h = harness();
        add(h, "click", W + 1);
        add(h, "click", NEXT + 1);
        h.processWatermark(NEXT - 2);           // W's window not closed yet: nothing sent, watermark forwarded
        h.processWatermark(NEXT - 1);           // closes W's window (last ms NEXT - 1)
        assertEquals(List.of("wm:" + (NEXT - 2), W + "|click=1", "wm:" + (NEXT - 1)), emitted(h));
        h.setProcessingTime(FLUSH);              // the open window's partial follows with the next flush
        assertEquals(NEXT + "|click=1", emitted(h).get(3));
        h.close();
    }

    @Test
    void everythingIsSentBeforeACheckpointBarrierSoNothingNeedsState() throws Exception {
        var h = harness();
        add(h, "click", W + 1);
        add(h, "view", NEXT + 1);
        h.prepareSnapshotPreBarrier(1);
        assertEquals(List.of(new WindowCount(W + "|click", W, 1), new WindowCount(NEXT + "|view", NEXT, 1)),
                partials(h));
        h.close();
    }

    @Test
    void theEndOfABoundedInputSendsEverything() throws Exception {
        var h = harness();
        add(h, "click", W + 1);
        h.endInput();
        h.close();  // finish()
        assertEquals(List.of(new WindowCount(W + "|click", W, 1)), partials(h));
    }
}
