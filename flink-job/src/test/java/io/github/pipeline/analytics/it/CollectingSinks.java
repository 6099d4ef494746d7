package io.github.pipeline.analytics.it;

import io.github.pipeline.analytics.model.OutputRecord;
import io.github.pipeline.analytics.sinks.Output;
import io.github.pipeline.analytics.sinks.OutputSinks;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Test sinks: every record of every output, in arrival order, in a static (same-JVM MiniCluster) store. */
public class CollectingSinks implements OutputSinks {
    private static final long serialVersionUID = 1L;
    private static final Map<Output, ConcurrentLinkedQueue<OutputRecord>> STORE = new EnumMap<>(Output.class);

    static {
        for (Output o : Output.values()) STORE.put(o, new ConcurrentLinkedQueue<>());
    }

    public static void clear() {
        STORE.values().forEach(ConcurrentLinkedQueue::clear);
    }

    public static List<OutputRecord> records(Output output) {
        return new ArrayList<>(STORE.get(output));
    }

    @Override
    public <T extends OutputRecord> Sink<T> sink(Output output) {
        return new CollectingSink<>(output);
    }

    static class CollectingSink<T extends OutputRecord> implements Sink<T> {
        private static final long serialVersionUID = 1L;
        private final Output output;

        CollectingSink(Output output) {
            this.output = output;
        }

        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            return new SinkWriter<T>() {
                @Override
                public void write(T element, Context ctx) {
                    STORE.get(output).add(element);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
