package io.enginex.edge.bench;

import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.Message;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.Result;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The codec sits on every frame in both directions: decode and encode cost per frame. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MessageCodecBenchmark {
    private MessageCodec codec;
    private String dispatchFrame;
    private String resultFrame;
    private Dispatch dispatch;

    @Setup
    public void setUp() throws Exception {
        codec = new MessageCodec();
        dispatch = new Dispatch(
                "h-7",
                "job_01JDX0Y4W3ZV",
                "fs.read",
                codec.mapper().readTree("{\"path\":\"reports/q3.csv\",\"offset\":0,\"length\":65536}"),
                Instant.parse("2026-11-26T10:15:30Z"),
                1);
        dispatchFrame = codec.encode(dispatch);
        Result result = new Result(
                "a-11",
                "job_01JDX0Y4W3ZV",
                codec.mapper().readTree("{\"content\":\"" + "x".repeat(4096) + "\",\"eof\":true,\"size\":4096}"),
                null,
                Instant.parse("2026-11-26T10:15:01Z"),
                Instant.parse("2026-11-26T10:15:01.020Z"),
                false);
        resultFrame = codec.encode(result);
    }

    @Benchmark
    public Message decodeDispatch() {
        return codec.decode(dispatchFrame);
    }

    @Benchmark
    public Message decodeResult4KiB() {
        return codec.decode(resultFrame);
    }

    @Benchmark
    public String encodeDispatch() {
        return codec.encode(dispatch);
    }
}
