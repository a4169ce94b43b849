package dev.reranker.training.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Training progress: a bar with loss and ETA on a terminal ({@code me.tongfei:progressbar}), or
 * plain lines (about ten per epoch) when the output is a log file or a CI console.
 */
public interface Progress extends AutoCloseable {

  /** Reports that {@code done} of the epoch's steps are done; {@code loss} is the running mean. */
  void step(long done, double loss, float learningRate);

  /** Ends the epoch's bar or lines. */
  @Override
  void close();

  /** Returns a reporter for one epoch of {@code steps} steps. */
  static Progress start(PrintStream out, boolean bar, String task, long steps) {
    return bar ? new Bar(out, task, steps) : new Lines(out, task, steps);
  }

  /** Returns a reporter that reports nothing. */
  static Progress none() {
    return new Progress() {
      @Override
      public void step(long done, double loss, float learningRate) {}

      @Override
      public void close() {}
    };
  }

  /** The terminal bar. */
  final class Bar implements Progress {
    private final ProgressBar bar;

    Bar(PrintStream out, String task, long steps) {
      bar =
          new ProgressBarBuilder()
              .setTaskName(task)
              .setInitialMax(steps)
              .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
              .setConsumer(new ConsoleProgressBarConsumer(out))
              .setUpdateIntervalMillis(250)
              .setUnit(" steps", 1)
              .build();
    }

    @Override
    public void step(long done, double loss, float learningRate) {
      bar.stepTo(done);
      bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f lr %.1e", loss, learningRate));
    }

    @Override
    public void close() {
      bar.close();
    }
  }

  /** Plain lines for logs: {@code epoch 1/3 step 40/120 loss 0.6123 lr 4.0e-05 ETA 0:42}. */
  final class Lines implements Progress {
    private final PrintStream out;
    private final String task;
    private final long steps;
    private final long every;
    private final long start = System.nanoTime();

    Lines(PrintStream out, String task, long steps) {
      this.out = out;
      this.task = task;
      this.steps = steps;
      this.every = Math.max(1, steps / 10);
    }

    @Override
    public void step(long done, double loss, float learningRate) {
      if (done % every != 0 && done != steps) {
        return;
      }
      long elapsed = System.nanoTime() - start;
      Duration eta = Duration.ofNanos(done == 0 ? 0 : elapsed / done * (steps - done));
      out.printf(
          Locale.ROOT,
          "%s step %d/%d loss %.4f lr %.1e elapsed %s ETA %s%n",
          task,
          done,
          steps,
          loss,
          learningRate,
          clock(Duration.ofNanos(elapsed)),
          clock(eta));
      out.flush();
    }

    @Override
    public void close() {}
  }

  /** Formats a duration as {@code h:mm:ss} or {@code m:ss}. */
  static String clockOf(Duration d) {
    return clock(d);
  }

  /** Formats a duration as {@code h:mm:ss} or {@code m:ss}. */
  private static String clock(Duration d) {
    long s = d.toSeconds();
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
