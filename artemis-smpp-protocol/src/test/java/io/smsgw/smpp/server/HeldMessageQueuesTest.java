package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import io.smsgw.broker.HeldMessageQueues;
import io.smsgw.broker.testing.BrowserStepRace;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsProperties;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.filter.Filter;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.selector.filter.Filterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HeldMessageQueues against a real broker's queues. */
class HeldMessageQueuesTest {

   @TempDir
   Path dir;

   /**
    * A held-message operation the broker refuses to run (its executor stopping) never answers, but it must not hold up
    * the answer that ends the session (unbind_resp, TERMINATE_RESP), which waits for every operation asked for before.
    */
   @Test
   void anOperationTheExecutorRefusesDoesNotHoldUpTheSessionsEnd() throws Exception {
      try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
         // Refused when the marked queues hand the operation over, as by a broker that is stopping.
         AtomicInteger tasks = new AtomicInteger();
         Executor refusesTheHandOver = task -> {
            if (tasks.incrementAndGet() == 1) {
               task.run();
            } else {
               throw new RejectedExecutionException("stopping");
            }
         };
         HeldMessageQueues queues = new HeldMessageQueues(broker.server(), "sms.mt", refusesTheHandOver);
         AtomicBoolean operationRan = new AtomicBoolean();
         queues.afterArrivals(scan -> operationRan.set(true));
         AtomicBoolean end = new AtomicBoolean();
         queues.afterAnswers(() -> end.set(true));
         Wait.until("the session's end runs", Duration.ofSeconds(10), end::get);
         assertFalse(operationRan.get(), "the refused operation did not run");

         // Refused at once, when the operation's turn comes: neither it nor the one after it holds up the end.
         HeldMessageQueues refusing = new HeldMessageQueues(broker.server(), "sms.mt", task -> {
            throw new RejectedExecutionException("stopping");
         });
         AtomicBoolean refusedRan = new AtomicBoolean();
         refusing.afterArrivals(scan -> refusedRan.set(true));
         refusing.afterArrivals(scan -> refusedRan.set(true));
         AtomicBoolean endAtOnce = new AtomicBoolean();
         refusing.afterAnswers(() -> endAtOnce.set(true));
         assertTrue(endAtOnce.get(), "nothing in flight: the end runs at once");
         assertFalse(refusedRan.get(), "the refused operations did not run");
      }
   }

   /**
    * A scan finds every message that stays on the queue although another leaves the end of the queue while the scan
    * steps onto it, as another session's cancel_sm or replace_sm, a link's consumer or an expiry may take one while an
    * operation reads the queue. Artemis' browser takes the queue's lock twice for each step, to see that there is a
    * next message and to take it; the last message removed in between ended the scan with NoSuchElementException, and
    * the ESME got ESME_RREPLACEFAIL or ESME_RQUERYFAIL for a message the gateway held (once in some thousand operations
    * of four busy sessions in SmppHeldMessagesTest). Here the removal is made to land in that step ({@link StepRace}).
    */
   @Test
   void aScanFindsEveryMessageThatStaysWhenTheLastLeavesInTheMiddleOfItsStep() throws Exception {
      try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
         ActiveMQServer server = broker.server();
         Queue queue = server.locateQueue(SimpleString.of(SmsAddresses.MT));
         // A submit_multi's two messages, and behind them one of another session, the last on the queue.
         put(server, "kept");
         long secondKept = put(server, "kept");
         long leaving = put(server, "leaving");
         awaitListed(queue);

         StepRace race = new StepRace(queue, HeldMessageQueues.filter("smppclient1", "kept", null, null), secondKept);
         AtomicBoolean stop = new AtomicBoolean();
         AtomicInteger scansDone = new AtomicInteger();
         List<String> failures = new CopyOnWriteArrayList<>();
         ExecutorService executor = Executors.newSingleThreadExecutor();
         try {
            // One operation that scans over and over.
            new HeldMessageQueues(server, SmsAddresses.MT, executor).afterArrivals(scan -> {
               while (!stop.get()) {
                  try {
                     int found = scan.findAll(race).size();
                     if (found != 2) {
                        failures.add("scan " + scansDone.get() + " found " + found + " of the 2 messages");
                     }
                  } catch (Exception e) {
                     failures.add("scan " + scansDone.get() + " failed: " + e);
                  }
                  scansDone.incrementAndGet();
               }
            });
            int removedInStep = 0;
            int tries = 0;
            while (removedInStep < 3 && failures.isEmpty()) {
               assertTrue(tries++ < 50_000, "the removal landed in the scan's step " + removedInStep + " times in 50,000 tries");
               race.arm();
               boolean removed = race.removeInStep(leaving);
               int scanned = scansDone.get();
               StepRace.spinUntil("the scan done", () -> scansDone.get() > scanned);
               if (removed) {
                  removedInStep++;
                  race.putBack();
               }
            }
            assertEquals(List.of(), failures, "scans that missed a message that stayed on the queue");
         } finally {
            stop.set(true);
            executor.shutdown();
         }
      }
   }

   /**
    * A filter that holds the scan once it has read a given message, right before its step to the next one, for
    * {@link BrowserStepRace} to land a removal in that step.
    */
   private static final class StepRace implements Filter {

      private final BrowserStepRace race;
      private final Filter filter;
      private final long holdAfter;

      StepRace(Queue queue, Filter filter, long holdAfter) {
         this.race = new BrowserStepRace(queue);
         this.filter = filter;
         this.holdAfter = holdAfter;
      }

      @Override
      public boolean match(Message message) {
         boolean match = filter.match(message);
         race.read(message.getMessageID() == holdAfter);
         return match;
      }

      @Override
      public boolean match(Map<String, String> map) {
         return filter.match(map);
      }

      @Override
      public boolean match(Filterable filterable) {
         return filter.match(filterable);
      }

      @Override
      public SimpleString getFilterString() {
         return filter.getFilterString();
      }

      void arm() {
         race.arm();
      }

      boolean removeInStep(long last) throws Exception {
         return race.removeInStep(last);
      }

      static void spinUntil(String what, BooleanSupplier condition) {
         BrowserStepRace.spinUntil(what, condition);
      }

      void putBack() {
         race.putBack();
      }
   }

   /** Routes a non-durable message of the account smppclient1 with the gateway id to sms.mt; returns its broker id. */
   private static long put(ActiveMQServer server, String smsId) throws Exception {
      CoreMessage message = new CoreMessage(server.getStorageManager().generateID(), 128);
      message.setAddress(SmsAddresses.MT);
      message.setDurable(false);
      message.putStringProperty(SmsProperties.ACCOUNT, SimpleString.of("smppclient1"));
      message.putStringProperty(SmsProperties.ID, SimpleString.of(smsId));
      server.getPostOffice().route(message, false);
      return message.getMessageID();
   }

   /** Returns once the queue lists what it has taken. */
   private static void awaitListed(Queue queue) throws InterruptedException {
      CountDownLatch listed = new CountDownLatch(1);
      queue.flushOnIntermediate(listed::countDown);
      assertTrue(listed.await(10, TimeUnit.SECONDS), queue.getName() + " listed what it took within 10 s");
   }
}
