package io.vleval.serve;

import io.vleval.serve.protocol.ChatCall;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The requests waiting for the model, at most {@code capacity} of them. The dispatcher takes the
 * oldest with every other waiting request whose decoding settings equal its own, up to a batch; the
 * others keep their order.
 */
final class RequestQueue {

  /** A request waiting for its reply. */
  record Pending(String id, ChatCall call, CompletableFuture<String> reply) {}

  /** What {@link #offer} did. */
  enum Offer {
    QUEUED,
    FULL,
    CLOSED
  }

  private final int capacity;
  private final ArrayDeque<Pending> items = new ArrayDeque<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private boolean closed;

  RequestQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  int capacity() {
    return capacity;
  }

  /** Adds {@code p} unless the queue is full or closed; never blocks. */
  Offer offer(Pending p) {
    lock.lock();
    try {
      if (closed) {
        return Offer.CLOSED;
      }
      if (items.size() >= capacity) {
        return Offer.FULL;
      }
      items.addLast(p);
      notEmpty.signal();
      return Offer.QUEUED;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits for a request, then takes it and up to {@code max - 1} more with equal settings; empty
   * once the queue is closed.
   */
  List<Pending> takeBatch(int max) throws InterruptedException {
    lock.lock();
    try {
      while (items.isEmpty() && !closed) {
        notEmpty.await();
      }
      List<Pending> batch = new ArrayList<>();
      if (closed) {
        return batch;
      }
      Pending head = items.pollFirst();
      batch.add(head);
      for (Iterator<Pending> it = items.iterator(); it.hasNext() && batch.size() < max; ) {
        Pending p = it.next();
        if (p.call().settings().equals(head.call().settings())) {
          it.remove();
          batch.add(p);
        }
      }
      return batch;
    } finally {
      lock.unlock();
    }
  }

  /** Closes the queue and returns what was still waiting; later offers are refused. */
  List<Pending> close() {
    lock.lock();
    try {
      closed = true;
      List<Pending> left = new ArrayList<>(items);
      items.clear();
      notEmpty.signalAll();
      return left;
    } finally {
      lock.unlock();
    }
  }

  int size() {
    lock.lock();
    try {
      return items.size();
    } finally {
      lock.unlock();
    }
  }
}
