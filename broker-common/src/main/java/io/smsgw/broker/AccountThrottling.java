package io.smsgw.broker;

import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The throttling pause of one account's deliveries, shared by all its receiving sessions (SMPP binds and CMPP
 * connections, on any acceptor of the broker): a throttling answer on one of them means the client as a whole takes
 * MO and reports slower than they come, so every session stops (decision 151). Carriers and their SPs throttle per
 * account, and a pause of one session only moved its deliveries to the others, into the same throttling.
 *
 * <p>{@link #paused} is read where it has to be authoritative: by each session's broker credit check and by its writer
 * on its event loop, just before a delivery is written. Set before the answer that starts the pause is settled, so
 * once that answer is processed no session writes a delivery until the pause ends, even one the broker handed over
 * just before. The step grows and resets as an SMSC link's {@code throttle-pause} (decision 115).
 *
 * <p>One per broker and account id, kept while the broker lives (as the account's session count in GatewayRuntime):
 * only accounts that bound reach here.
 */
public final class AccountThrottling {

   private static final Logger logger = LoggerFactory.getLogger(AccountThrottling.class);
   private static final Map<Object, Map<String, AccountThrottling>> BY_BROKER = new WeakHashMap<>();

   /** A receiving session of the account: told when a pause ends (from any thread). */
   interface Member {
      void pauseEnded();
   }

   private final String accountId;
   private final Set<Member> members = ConcurrentHashMap.newKeySet();
   /** While a pause runs: no session of the account is handed or writes a delivery. */
   private volatile boolean paused;
   /** Pauses begun so far: a PDU written in an earlier epoch was sent before the last pause began. */
   private volatile int epoch;
   /** The next pause, in multiples of the throttling session's first step (guarded by this). */
   private int multiplier = 1;

   private AccountThrottling(String accountId) {
      this.accountId = accountId;
   }

   /** The account's pause on this broker. */
   public static AccountThrottling of(Object broker, String accountId) {
      Map<String, AccountThrottling> accounts;
      synchronized (BY_BROKER) {
         accounts = BY_BROKER.computeIfAbsent(broker, b -> new ConcurrentHashMap<>());
      }
      return accounts.computeIfAbsent(accountId, AccountThrottling::new);
   }

   boolean paused() {
      return paused;
   }

   int epoch() {
      return epoch;
   }

   void join(Member member) {
      members.add(member);
   }

   void leave(Member member) {
      members.remove(member);
   }

   /** Receiving sessions of the account that a pause's end prompts (for tests and diagnostics). */
   public int sessionCount() {
      return members.size();
   }

   /**
    * A throttling answer to a PDU written in {@code answeredEpoch}: starts a pause of {@code firstStepMillis} times
    * the current multiplier, unless one runs or the PDU was written before the last one began; the multiplier doubles,
    * up to {@code growth}. {@code scheduler} runs the end. False when no pause started.
    */
   boolean pause(int answeredEpoch, long firstStepMillis, int growth, Scheduler scheduler) {
      long pause;
      synchronized (this) {
         if (firstStepMillis <= 0 || paused || answeredEpoch != epoch) {
            return false;
         }
         pause = firstStepMillis * multiplier;
         multiplier = Math.min(multiplier * 2, growth);
         epoch++;
         paused = true;
      }
      logger.debug("Deliveries to '{}' throttled: none on its {} session(s) for {} ms", accountId, members.size(), pause);
      scheduler.schedule(this::end, pause);
      return true;
   }

   /** The client keeps up again: the next pause starts from the first step. */
   synchronized void calm() {
      multiplier = 1;
   }

   private void end() {
      synchronized (this) {
         paused = false;
      }
      for (Member member : members) {
         member.pauseEnded();
      }
   }

   /** Runs a task after a delay on some event loop. */
   interface Scheduler {
      void schedule(Runnable task, long delayMillis);
   }
}
