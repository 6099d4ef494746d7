package io.github.pipeline.analytics.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.pipeline.analytics.sinks.JsonOut;
import java.util.Objects;

/** Page views per (1-minute window, page) ({@code analytics.page_views}). */
public class PageViewsRecord implements OutputRecord {
    @JsonProperty("window_start_ms")
    public long windowStartMs;
    @JsonProperty("page")
    public String page;
    @JsonProperty("views")
    public long views;
    @JsonProperty("version")
    public long version;

    public PageViewsRecord() {}

    public PageViewsRecord(long windowStartMs, String page, long views, long version) {
        this.windowStartMs = windowStartMs;
        this.page = page;
        this.views = views;
        this.version = version;
    }

    @Override
    public void writeJson(JsonOut out) {
        out.begin()
                .field("window_start_ms", windowStartMs)
                .field("page", page)
                .field("views", views)
                .field("version", version);
    }

    @Override
    public String key() {
        return windowStartMs + "|" + page;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof PageViewsRecord)) return false;
        PageViewsRecord r = (PageViewsRecord) o;
        return windowStartMs == r.windowStartMs && Objects.equals(page, r.page) && views == r.views && version == r.version;
    }

    @Override
    public int hashCode() {
        return Objects.hash(windowStartMs, page, views, version);
    }

    @Override
    public String toString() {
        return "PageViewsRecord{" + "window_start_ms=" + windowStartMs + ", page=" + page + ", views=" + views + ", version=" + version+ "}";
    }
}
