package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.DeadLetter;
import io.github.pipeline.analytics.model.Event;
import io.github.pipeline.analytics.model.ParsedRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Valid events to the main output; invalid records to the {@link #DEAD_LETTERS} side output; gateway heartbeats
 * (read by the source's watermarks) go no further.
 */
public class RouteInvalidFunction extends ProcessFunction<ParsedRecord, Event> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    @Override
    public void processElement(ParsedRecord record, Context ctx, Collector<Event> out) {
        if (record.event != null) {
            out.collect(record.event);
        } else if (!record.heartbeat) {
            // Time and id from the Kafka record when there is one: a replay after a restore re-emits the same.
            boolean fromKafka = record.sourceId != null;
            long receivedAt = fromKafka ? record.sourceTimestampMs : ctx.timerService().currentProcessingTime();
            String id = fromKafka ? "flink:" + record.sourceId : null;
            ctx.output(DEAD_LETTERS, new DeadLetter(receivedAt, record.reason, record.payload, "flink", id));
        }
    }
}
