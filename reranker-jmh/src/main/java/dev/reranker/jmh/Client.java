package dev.reranker.jmh;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One simulated chat user of the RPS benchmarks: walks the workload's requests in order, from its
 * own starting point, so that concurrent clients send different dialogs.
 */
@State(Scope.Thread)
public class Client {
  private static final AtomicInteger clients = new AtomicInteger();
  private int next;

  /** Spreads the clients' starting points over the workload. */
  @Setup(Level.Trial)
  public void setUp() {
    next = clients.getAndIncrement() * 37 % Workload.REQUESTS;
  }

  /** Returns this client's next request. */
  public Workload.Request next(List<Workload.Request> requests) {
    Workload.Request r = requests.get(next);
    next = (next + 1) % requests.size();
    return r;
  }
}
