# The soak benchmark's chart (bench/soak.sh runs it): six panels over the run's minutes.
#   gnuplot -e "samples='S.tsv'; checkpoints='C.tsv'; freshness='F.tsv'; out='X.png'; minutes=30; title='...'" bench/soak.gnuplot
# The TSV files have a header line; their columns are those soak.sh writes.
set terminal pngcairo size 1500,1050 font "DejaVu Sans,10"
set output out
set datafile separator "\t"
set datafile missing "NaN"
set key autotitle columnhead top left opaque
set grid
set xlabel "minutes"
set xrange [0:minutes]
set multiplot layout 3,2 title title font ",13"
min(t) = t / 60.0

set title "Flink JVM: heap used and resident memory (MiB)"
set yrange [0:*]
plot samples using (min($1)):2 with lines lw 2 title "Flink heap used", \
     '' using (min($1)):4 with lines lw 2 title "Flink RSS", \
     '' using (min($1)):5 with lines lw 1 dt 2 title "Kafka RSS"

set title "state on disk (MiB)"
plot samples using (min($1)):6 with lines lw 2 title "RocksDB working files", \
     '' using (min($1)):7 with lines lw 2 title "checkpoint folder (3 retained)"

set title "checkpoints: duration (s) and size (MiB)"
set yrange [0:12<*]
set ytics nomirror
set y2tics
set y2range [0:*]
set y2label "MiB"
plot checkpoints using (min($1)):($3 / 1000.0) with linespoints pt 7 ps 0.4 lw 1 title "duration", \
     10 with lines dt 2 lc rgb "red" title "10 s limit", \
     '' using (min($1)):4 axes x1y2 with lines lw 1 title "full size", \
     '' using (min($1)):5 axes x1y2 with lines lw 1 title "written by the checkpoint"
unset y2tics
unset y2label
set ytics mirror

set title "consumer lag (records)"
set yrange [0:*]
plot samples using (min($1)):8 with lines lw 2 title "Flink (offsets committed at checkpoints)", \
     '' using (min($1)):9 with lines lw 2 title "ClickHouse (Flink's outputs)"

set title "freshness: now - newest event in analytics.events (s)"
plot freshness using (min($1)):2 with lines lw 1 title "freshness"

set title "GC share of wall time per sample interval (%)"
set yrange [0:6<*]
pt = NaN
pg = NaN
plot samples using (min($1)):(dt = $1 - pt, dg = $3 - pg, pt = $1, pg = $3, dt > 0 ? 100 * dg / dt : NaN) \
        with lines lw 2 title "Flink GC", \
     5 with lines dt 2 lc rgb "red" title "5 % limit"
unset multiplot
