package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.Event;
import io.github.pipeline.analytics.model.WindowCount;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.runtime.state.TestableKeyedStateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBKeyedStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.List;

final class Harnesses {
    private Harnesses() {}

    static <IN, OUT> KeyedOneInputStreamOperatorTestHarness<String, IN, OUT> keyed(
            KeyedProcessFunction<String, IN, OUT> fn, KeySelector<IN, String> key, String backend) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, IN, OUT> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(fn), key, Types.STRING);
        useBackend(h, backend);
        h.open();
        return h;
    }

    /** Runs the harness on the named state backend ("hashmap" or "rocksdb"); call before open(). */
    static void useBackend(AbstractStreamOperatorTestHarness<?> h, String backend) {
        switch (backend) {
            case "hashmap" -> h.setStateBackend(new HashMapStateBackend());
            case "rocksdb" -> {
                EmbeddedRocksDBStateBackend rocksDb = new EmbeddedRocksDBStateBackend();
                // a harness has no managed memory: a fixed budget, or RocksDB flushes on every write
                rocksDb.getMemoryConfiguration().setFixedMemoryPerSlot(MemorySize.parse("64m"));
                h.setStateBackend(rocksDb);
            }
            default -> throw new IllegalArgumentException(backend);
        }
    }

    static Event ev(String id, String user, String type, String page, long ts) {
        return new Event(id, user, type, page, ts, null);
    }

    /** The partial count of a single event, as {@link LocalWindowCountOperator} would send it. */
    static WindowCount one(KeySelector<Event, String> keyOf, Event e) throws Exception {
        return new WindowCount(keyOf.getKey(e), TimeBuckets.minuteStart(e.ts), 1);
    }

    static <T> List<T> side(KeyedOneInputStreamOperatorTestHarness<?, ?, ?> h, OutputTag<T> tag) {
        List<T> out = new ArrayList<>();
        if (h.getSideOutput(tag) != null) {
            for (StreamRecord<T> r : h.getSideOutput(tag)) out.add(r.getValue());
        }
        return out;
    }

    private static long snapshots = 1_000_000;

    /**
     * Keyed state entries (timers not included) of the harness's operator, on either backend. RocksDB keeps
     * timers in column families of their own, which it counts too, and writes timer changes in batches, so
     * a snapshot first makes it write what is pending, and its timers are subtracted.
     */
    static int keyedEntries(AbstractStreamOperatorTestHarness<?> h) throws Exception {
        AbstractStreamOperator<?> op = (AbstractStreamOperator<?>) h.getOperator();
        int entries = 0;
        if (op.getKeyedStateBackend() instanceof RocksDBKeyedStateBackend) {
            h.snapshot(++snapshots, 0);
            entries -= h.numEventTimeTimers() + h.numProcessingTimeTimers();
        }
        return entries + ((TestableKeyedStateBackend<?>) op.getKeyedStateBackend()).numKeyValueStateEntries();
    }

    static void assertNothingLeft(KeyedOneInputStreamOperatorTestHarness<?, ?, ?> h) throws Exception {
        org.junit.jupiter.api.Assertions.assertEquals(0, keyedEntries(h), "keyed state entries left");
        org.junit.jupiter.api.Assertions.assertEquals(0, h.numEventTimeTimers(), "event-time timers left");
        org.junit.jupiter.api.Assertions.assertEquals(0, h.numProcessingTimeTimers(), "processing-time timers left");
    }
}
