package io.github.pipeline.analytics.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.pipeline.analytics.sinks.JsonOut;
import java.util.Objects;

/** Viewers, purchasers and converted users per 1-minute window ({@code analytics.conversion}). */
public class ConversionRecord implements OutputRecord {
    @JsonProperty("window_start_ms")
    public long windowStartMs;
    @JsonProperty("viewers")
    public long viewers;
    @JsonProperty("purchasers")
    public long purchasers;
    @JsonProperty("converted")
    public long converted;
    @JsonProperty("version")
    public long version;

    public ConversionRecord() {}

    public ConversionRecord(long windowStartMs, long viewers, long purchasers, long converted, long version) {
        this.windowStartMs = windowStartMs;
        this.viewers = viewers;
        this.purchasers = purchasers;
        this.converted = converted;
        this.version = version;
    }

    @Override
    public void writeJson(JsonOut out) {
        out.begin()
                .field("window_start_ms", windowStartMs)
                .field("viewers", viewers)
                .field("purchasers", purchasers)
                .field("converted", converted)
                .field("version", version);
    }

    @Override
    public String key() {
        return Long.toString(windowStartMs);
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof ConversionRecord)) return false;
        ConversionRecord r = (ConversionRecord) o;
        return windowStartMs == r.windowStartMs && viewers == r.viewers && purchasers == r.purchasers && converted == r.converted && version == r.version;
    }

    @Override
    public int hashCode() {
        return Objects.hash(windowStartMs, viewers, purchasers, converted, version);
    }

    @Override
    public String toString() {
        return "ConversionRecord{" + "window_start_ms=" + windowStartMs + ", viewers=" + viewers + ", purchasers=" + purchasers + ", converted=" + converted + ", version=" + version+ "}";
    }
}
