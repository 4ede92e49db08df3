package io.smsgw.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.smsgw.broker.AccountQueues;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsMessageBuilder;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.id.CmppMsgId;
import io.smsgw.core.receipt.DeliveryState;
import io.smsgw.core.runtime.AcceptedSegments;
import io.smsgw.core.runtime.GatewayRuntime;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.filter.Filter;
import org.apache.activemq.artemis.core.postoffice.Bindings;
import org.apache.activemq.artemis.core.postoffice.PostOffice;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Consumer;
import org.apache.activemq.artemis.core.server.HandleStatus;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.impl.RoutingContextImpl;
import org.apache.activemq.artemis.core.settings.HierarchicalRepository;
import org.apache.activemq.artemis.core.settings.HierarchicalRepositoryChangeListener;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.core.transaction.impl.TransactionImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EXPIRED reports for MT whose validity ran out while they waited in the broker, as durable as the MT was
 * (docs/decisions.md, "EXPIRED reports for MT that expire in the broker"). The addresses where MT wait get the
 * expiry address {@code sms.expired}, so Artemis moves an expired MT there in the same transaction that removes it
 * from its queue. This consumer of {@code sms.expired}
 * turns each MT into its EXPIRED report (and the billing record) and stores them in one transaction with the
 * MT's acknowledgement: the MT leaves {@code sms.expired} only together with its report. A report that cannot be
 * stored (its SP's queue full with the FAIL policy, a journal error) leaves the MT where it is, and it is tried
 * again after a pause (1 s, doubling up to 30 s); a crash in between finds it there after the restart.
 * Anything else that expires there (a message an application sent straight to one of those addresses with a time to live)
 * stays for an operator; MO do not come here, routing takes their expiry off ({@link MoRouteTransformer}). An MT that expired
 * on an SMSC link's queue after an SMSC had accepted segments of it (a crash came before its acknowledgement) gets no
 * EXPIRED report for those: the links' correlation store is asked first, one read on this queue's executor.
 *
 * <p>The same consumer, made by {@link #deadLettered}, serves the dead-letter queue of those addresses ({@code sms.dlq} in
 * the shipped broker.xml): an MT the broker dead-lettered there from one of them, its delivery attempts used up, becomes
 * an UNDELIV report with error code {@value #DEAD_LETTERED_ERROR} and its billing record in the same way, and leaves the
 * queue with them. Dead-lettered MO and reports, and messages from other queues, stay there for an operator.
 *
 * <p>Like Artemis' own redistributor, the work is done in {@link #handle}, on the queue's executor.
 */
final class ExpiredMtReports implements Consumer {

   private static final Logger logger = LoggerFactory.getLogger(ExpiredMtReports.class);
   static final SimpleString QUEUE = SimpleString.of(SmsAddresses.EXPIRED);
   /** Where MT wait in the broker: they expire to {@code sms.expired}. */
   static final List<String> MT_ADDRESSES = List.of(SmsAddresses.MT, SmsAddresses.SMSC_LINK_PREFIX + "#",
                                                    SmsAddresses.ROUTE_PENDING, SmsAddresses.GATEWAY_PREFIX + "#");
   /**
    * Report error code (with UNDELIV) of an MT the broker dead-lettered from a queue where MT wait, once the address's
    * max-delivery-attempts were used up (docs/links-routing-billing.md).
    */
   static final String DEAD_LETTERED_ERROR = "111";
   private static final long MIN_RETRY_MILLIS = 1_000;
   private static final long MAX_RETRY_MILLIS = 30_000;

   private final ActiveMQServer server;
   private final PostOffice postOffice;
   private final DrRouteTransformer dr = new DrRouteTransformer();
   private final GatewayRuntime runtime;
   private final ScheduledExecutorService retries;
   private final long sequentialId;
   private final AtomicBoolean retryScheduled = new AtomicBoolean();
   /** Anycast addresses a report was routed to that had no queue; created by the retry, off the queue's lock. */
   private final Set<SimpleString> missingQueues = ConcurrentHashMap.newKeySet();
   /** Transactions whose commit failed after they acknowledged their MT; the retry rolls them back (see handle). */
   private final java.util.Queue<Transaction> failedCommits = new ConcurrentLinkedQueue<>();
   private volatile long retryMillis = MIN_RETRY_MILLIS;
   private volatile Queue queue;
   private volatile boolean active;
   /** The queue consumed: {@code sms.expired}, or a dead-letter queue. */
   private final SimpleString queueName;
   /** The final state reported, EXPIRED or UNDELIV, and its error code. */
   private final DeliveryState state;
   private final String errorCode;

   ExpiredMtReports(ActiveMQServer server, String brokerName, ScheduledExecutorService retries) {
      this(server, brokerName, retries, QUEUE, DeliveryState.EXPIRED, "000");
   }

   /** The consumer of {@code deadLetterQueue}: dead-lettered MT become UNDELIV {@value #DEAD_LETTERED_ERROR} reports. */
   static ExpiredMtReports deadLettered(ActiveMQServer server, String brokerName, ScheduledExecutorService retries,
                                        SimpleString deadLetterQueue) {
      return new ExpiredMtReports(server, brokerName, retries, deadLetterQueue, DeliveryState.UNDELIV, DEAD_LETTERED_ERROR);
   }

   private ExpiredMtReports(ActiveMQServer server, String brokerName, ScheduledExecutorService retries, SimpleString queueName,
                            DeliveryState state, String errorCode) {
      this.queueName = queueName;
      this.state = state;
      this.errorCode = errorCode;
      this.server = server;
      this.postOffice = server.getPostOffice();
      this.retries = retries;
      this.runtime = GatewayRuntime.of(server);
      this.sequentialId = server.getStorageManager().generateID();
      dr.init(Map.of(RoutingTransformer.BROKER_PROPERTY, brokerName));
   }

   // ------------------------------------------------------------------ expiry address of the MT addresses

   /**
    * Gives the MT addresses the expiry address {@code sms.expired} (and that address the PAGE policy, so the move
    * there does not fail for size), keeping every other setting broker.xml gives them: an entry of broker.xml for
    * the same match is copied, the rest merge in from the wider matches as usual. A broker.xml reload replaces the
    * address settings; the returned listener puts these back.
    */
   static HierarchicalRepositoryChangeListener applyExpiryAddress(ActiveMQServer server) {
      HierarchicalRepository<AddressSettings> repository = server.getAddressSettingsRepository();
      HierarchicalRepositoryChangeListener listener = new HierarchicalRepositoryChangeListener() {
         @Override
         public void onChange() {
            if (!applied(repository)) {
               apply(server, repository);
            }
         }
      };
      apply(server, repository);
      repository.registerListener(listener);
      return listener;
   }

   private static boolean applied(HierarchicalRepository<AddressSettings> repository) {
      for (String match : MT_ADDRESSES) {
         if (!QUEUE.equals(repository.getMatch(match).getExpiryAddress())) {
            return false;
         }
      }
      return repository.getMatch(SmsAddresses.EXPIRED).getAddressFullMessagePolicy() == AddressFullMessagePolicy.PAGE;
   }

   private static void apply(ActiveMQServer server, HierarchicalRepository<AddressSettings> repository) {
      Map<String, AddressSettings> configured = server.getConfiguration().getAddressSettings();
      for (String match : MT_ADDRESSES) {
         AddressSettings settings = own(configured, match);
         SimpleString previous = settings.getExpiryAddress();
         if (previous != null && !previous.equals(QUEUE)) {
            logger.info("Address setting {}: expiry-address {} replaced by {}; expired MT become EXPIRED reports there",
                        match, previous, QUEUE);
         }
         repository.addMatch(match, settings.setExpiryAddress(QUEUE), false, false);
      }
      // the queues' cached settings follow once, after every match is in
      repository.addMatch(SmsAddresses.EXPIRED, own(configured, SmsAddresses.EXPIRED)
         .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE), false, true);
   }

   /** A copy of broker.xml's entry for exactly this match, or an empty one (the wider matches fill it in). */
   private static AddressSettings own(Map<String, AddressSettings> configured, String match) {
      AddressSettings settings = configured.get(match);
      return settings == null ? new AddressSettings() : new AddressSettings(settings);
   }

   // ------------------------------------------------------------------ consumer of sms.expired

   /**
    * The dead-letter queues of the addresses where MT wait ({@link #MT_ADDRESSES}): the queue named as each one's
    * dead-letter address, where one exists (without a queue there the broker drops what it dead-letters).
    */
   static Set<SimpleString> deadLetterQueues(ActiveMQServer server) {
      Set<SimpleString> queues = new java.util.LinkedHashSet<>();
      for (String match : MT_ADDRESSES) {
         // an address the match stands for, so the settings are those a queue of it gets
         SimpleString dla = server.getAddressSettingsRepository().getMatch(match.replace("#", "x")).getDeadLetterAddress();
         if (dla != null && !QUEUE.equals(dla) && server.locateQueue(dla) != null) {
            queues.add(dla);
         }
      }
      return queues;
   }

   /** Whether a message on this queue is an MT this consumer reports; every other message stays for an operator. */
   private boolean reported(Message message) {
      if (SmsKind.of(message.getObjectProperty(SmsProperties.KIND)) != SmsKind.MT) {
         return false;
      }
      if (QUEUE.equals(queueName)) {
         return true;
      }
      // dead-lettered: only from a queue where MT wait (not an application's own queue, say)
      Object from = message.getObjectProperty(Message.HDR_ORIGINAL_QUEUE);
      String original = from == null ? "" : from.toString();
      return original.equals(SmsAddresses.MT) || original.equals(SmsAddresses.ROUTE_PENDING)
         || original.startsWith(SmsAddresses.SMSC_LINK_PREFIX) || original.startsWith(SmsAddresses.GATEWAY_PREFIX);
   }

   /** Starts consuming its queue ({@code sms.expired}, or the dead-letter queue), which must exist. */
   void start() throws Exception {
      Queue expired = server.locateQueue(queueName);
      if (expired == null) {
         throw new IllegalStateException("no queue " + queueName);
      }
      queue = expired;
      active = true;
      expired.addConsumer(this);
      expired.deliverAsync(); // what waited across a restart
   }

   void stop() {
      active = false;
      Queue expired = queue;
      if (expired != null) {
         expired.removeConsumer(this);
      }
   }

   @Override
   public HandleStatus handle(MessageReference ref) {
      if (!active) {
         return HandleStatus.BUSY;
      }
      Message mt = ref.getMessage();
      if (!reported(mt)) {
         return HandleStatus.NO_MATCH; // not an MT (or not from an MT queue): stays for an operator
      }
      Transaction tx = new TransactionImpl(server.getStorageManager());
      boolean acknowledged = false;
      try {
         for (Message report : reports(mt)) {
            DrRouteTransformer.Facts facts = dr.facts(report);
            // as a link's report: routed first, the billing record copied from it (SenderSideRouting); counted once
            // stored, each only if it was stored
            StoredCounts reportCounts = new StoredCounts();
            // a part of the link's split may become the whole message's report: its record is copied first
            Message early = facts.billedHere() && DrRouteTransformer.mayBecomeWholeMessage(report)
               ? SmsMessageBuilder.copyForRouting(report) : null;
            dr.report(report, facts, reportCounts);
            Message record = null;
            StoredCounts recordCounts = new StoredCounts();
            if (facts.billedHere()) {
               record = dr.billingRecord(early != null ? early : SmsMessageBuilder.copyForRouting(report), facts, recordCounts);
               record.setMessageID(server.getStorageManager().generateID());
            }
            if (store(report, tx)) {
               tx.addOperation(reportCounts);
            }
            if (record != null && store(record, tx)) {
               tx.addOperation(recordCounts);
            }
         }
         ref.handled();
         queue.acknowledge(tx, ref);
         acknowledged = true;
         tx.commit();
         retryMillis = MIN_RETRY_MILLIS;
         if (state != DeliveryState.EXPIRED) {
            logger.info("MT {} from {} was dead-lettered (its delivery attempts ran out); reported {} {} to its sender",
                        mt.getObjectProperty(SmsProperties.ID), mt.getObjectProperty(Message.HDR_ORIGINAL_QUEUE),
                        state.stat(), errorCode);
         }
         return HandleStatus.HANDLED;
      } catch (Throwable e) {
         logger.debug("{} report for {} not stored", state.stat(), mt.getObjectProperty(SmsProperties.ID), e);
         if (!acknowledged) {
            rollback(tx);
            scheduleRetry(e);
            return HandleStatus.NO_MATCH; // passed over until the retry
         }
         if (tx.getState() == Transaction.State.COMMITTED) {
            return HandleStatus.HANDLED; // failed after the commit record: the report is stored, the MT gone
         }
         // TransactionImpl.commit does not roll back when writing the commit fails (it only rolls back a transaction
         // already marked rollback-only). Rolling back the acknowledgement puts the MT back on the queue, so the answer
         // must be HANDLED (the queue takes the MT off its list for it); NO_MATCH would list it twice. And not now:
         // the rollback may complete on this thread, and putting the MT back resets the iterator the queue is about to
         // remove it with. The retry rolls back, so the MT is offered again then, as one passed over is.
         failedCommits.add(tx);
         scheduleRetry(e);
         return HandleStatus.HANDLED;
      }
   }

   /**
    * The EXPIRED reports an expired MT gets: one, unless it expired on an SMSC link's queue after an SMSC had accepted
    * segments of it. That happens when the gateway crashed between a segment's correlation record and the MT's
    * acknowledgement, and the MT then waited (its link down) past its validity: the SMSC's receipt, matched by that
    * record, or the record's own expiry gives those segments their final report, so an EXPIRED report here would be a
    * second one. Only the segments no SMSC accepted get one (none, mostly).
    *
    * @throws Exception when the links' correlation store cannot answer now (the MT waits and is tried again)
    */
   private List<Message> reports(Message mt) throws Exception {
      List<AcceptedSegments.Segment> owed = segmentsOwed(mt);
      if (owed == null) {
         return List.of(report(mt, server.getStorageManager().generateID(), state, errorCode));
      }
      boolean toPeer = waitedForPeer(mt);
      List<Message> reports = new ArrayList<>(owed.size());
      for (AcceptedSegments.Segment segment : owed) {
         Message report = report(mt, server.getStorageManager().generateID(), state, errorCode);
         report.putIntProperty(SmsProperties.SEGMENT_REF, segment.reference());
         report.putIntProperty(SmsProperties.SEGMENT_TOTAL, segment.total());
         report.putIntProperty(SmsProperties.SEGMENT_NUMBER, segment.number());
         if (segment.total() > 1 && !toPeer) {
            // the link's own split (an MT with a segment of its own gets none of these): one report for the submitter.
            // Not a FWD link's: the peer's report on each part it holds comes as that part's own (FwdSessionHandler),
            // so each part owed gets its own too, with the same segment fields.
            report.putBooleanProperty(SmsProperties.GATEWAY_SPLIT, true);
         }
         reports.add(report);
      }
      return reports;
   }

   /**
    * The segments of an MT that expired on a link's queue which no SMSC accepted, when an SMSC accepted some; null
    * when it accepted none (or the MT did not wait for a link), and the MT gets its one report as always. The same for
    * an MT that waited on a FWD link's queue, by the parts a peer gateway answered Result 0 to (its forward records):
    * a long MT whose part 2 the peer kept refusing is dead-lettered although the peer holds part 1 (decision 172).
    *
    * <p>The MT was not sent again after those records, so what the SMSC holds is the split the records were made by: a
    * segment counts as accepted only with its reference, total and number (the link's rule, decision 100). Nothing is
    * owed when the records hold a whole message (the single part, or every part of one split); otherwise the other
    * parts of each split an SMSC took part of (one split, unless the link's alphabet, data coding or long-message
    * setting changed between two crashes).
    */
   private List<AcceptedSegments.Segment> segmentsOwed(Message mt) throws Exception {
      Object queue = mt.getObjectProperty(Message.HDR_ORIGINAL_QUEUE);
      Object destination = mt.getObjectProperty(SmsProperties.DESTINATION);
      if (queue == null || destination == null) {
         return null;
      }
      AcceptedSegments links;
      String smsId;
      if (queue.toString().startsWith(SmsAddresses.SMSC_LINK_PREFIX)) {
         links = runtime.acceptedSegments();
         Object id = mt.getObjectProperty(SmsProperties.ID);
         smsId = id == null ? null : id.toString();
      } else if (waitedForPeer(mt)) {
         // The FWD links' forward records: one per part a peer answered Result 0 to, under the id its submitter knows
         // (FwdForwards.remember), which is also the id of this MT's reports (report()).
         links = runtime.forwardedSegments();
         smsId = forwardedId(mt);
      } else {
         return null;
      }
      if (links == null || smsId == null) {
         return null;
      }
      List<AcceptedSegments.Segment> accepted = links.find(smsId, destination.toString());
      if (accepted.isEmpty()) {
         return null;
      }
      Object own = mt.getObjectProperty(SmsProperties.SEGMENT_NUMBER);
      int ownNumber = own instanceof Number n ? n.intValue() : 0;
      if (ownNumber > 0) {
         // One segment of a message its sender split: the link sends it as it is, and its records are its own.
         return accepted.stream().anyMatch(a -> a.number() == ownNumber) ? List.of() : null;
      }
      if (AcceptedSegments.whole(accepted)) {
         return List.of();
      }
      Set<AcceptedSegments.Segment> taken = Set.copyOf(accepted);
      Set<Long> splits = new HashSet<>();
      List<AcceptedSegments.Segment> owed = new ArrayList<>();
      for (AcceptedSegments.Segment segment : accepted) {
         if (segment.total() > 0 && splits.add(AcceptedSegments.split(segment))) {
            for (int number = 1; number <= segment.total(); number++) {
               AcceptedSegments.Segment part = new AcceptedSegments.Segment(segment.reference(), segment.total(), number);
               if (!taken.contains(part)) {
                  owed.add(part);
               }
            }
         }
      }
      return splits.isEmpty() ? null : owed;
   }

   /** Whether the MT waited on a FWD link's queue ({@code sms.gw.<peer>}) when it expired or was dead-lettered. */
   private static boolean waitedForPeer(Message mt) {
      Object queue = mt.getObjectProperty(Message.HDR_ORIGINAL_QUEUE);
      return queue != null && queue.toString().startsWith(SmsAddresses.GATEWAY_PREFIX);
   }

   /**
    * The smsId a FWD link's forward records of this MT are kept under: the id its submitter knows when routing gave it
    * another, else its own as the FWD's Msg_Id (null when it has none: no FWD carried it).
    */
   private static String forwardedId(Message mt) {
      Object submitted = mt.getObjectProperty(SmsProperties.SUBMITTED_ID);
      if (submitted != null) {
         return submitted.toString();
      }
      Object id = mt.getObjectProperty(SmsProperties.ID);
      java.util.OptionalLong msgId = id == null ? java.util.OptionalLong.empty() : CmppMsgId.parseHex(id.toString());
      return msgId.isPresent() ? CmppMsgId.toHex(msgId.getAsLong()) : null;
   }

   /** The EXPIRED report for an expired MT: to its sender, from its recipient, done when it expired. */
   static Message report(Message mt, long id) {
      return report(mt, id, DeliveryState.EXPIRED, "000");
   }

   /**
    * The final report {@code state} with {@code errorCode} for an MT that ends in the broker: to its sender, from its
    * recipient, done when it expired (now, if it did not).
    */
   static Message report(Message mt, long id, DeliveryState state, String errorCode) {
      Message report = mt.copy(id);
      Object expiredAt = report.getObjectProperty(Message.HDR_ACTUAL_EXPIRY_TIME);
      // what the broker's move to the expiry address added, and the MT's own duplicate id: not the report's
      report.removeProperty(Message.HDR_ACTUAL_EXPIRY_TIME);
      report.removeProperty(Message.HDR_ORIGINAL_ADDRESS);
      report.removeProperty(Message.HDR_ORIGINAL_QUEUE);
      report.removeProperty(Message.HDR_ORIG_MESSAGE_ID);
      report.removeProperty(Message.HDR_ORIG_ROUTING_TYPE);
      report.removeProperty(Message.HDR_DUPLICATE_DETECTION_ID);
      report.removeProperty(PendingRoutes.SINCE);
      Object submittedId = report.getObjectProperty(SmsProperties.SUBMITTED_ID);
      if (submittedId != null) {
         // expired on its way to another gateway: the id its submitter knows (MtRouteTransformer gave it a new one)
         report.putStringProperty(SmsProperties.ID, SimpleString.of(submittedId.toString()));
      }
      report.putStringProperty(SmsProperties.KIND, SmsKind.DR.propertyValue());
      report.putStringProperty(SmsProperties.STATUS, SimpleString.of(state.stat()));
      report.putStringProperty(SmsProperties.ERROR_CODE, SimpleString.of(errorCode));
      ReportAddresses.swap(report);
      report.putLongProperty(SmsProperties.DONE_TIME, expiredAt instanceof Number n ? n.longValue() : System.currentTimeMillis());
      report.setExpiration(0); // the MT's validity is not the report's
      // Routing stores MT durable; one stored before it did, or expired on an application's own address, may not be.
      report.setDurable(true);
      report.setAddress(SmsAddresses.DR);
      report.setRoutingType(RoutingType.ANYCAST);
      return report;
   }

   /**
    * Stores a routed message in the transaction; false when it is left out: one whose duplicate id was already stored
    * (a report for this final state exists), without failing the rest; a message for an anycast address without a queue
    * fails the attempt, and the retry creates the queue, as an account's first bind would.
    */
   private boolean store(Message message, Transaction tx) throws Exception {
      SimpleString address = message.getAddressSimpleString();
      byte[] duplicateId = message.getDuplicateIDBytes();
      if (duplicateId != null && postOffice.getDuplicateIDCache(address).contains(duplicateId)) {
         return false;
      }
      if (message.getRoutingType() == RoutingType.ANYCAST) {
         Bindings bindings = postOffice.lookupBindingsForAddress(address);
         if (bindings == null || bindings.getBindings().isEmpty()) {
            missingQueues.add(address);
            throw new IllegalStateException("no queue for " + address + " yet");
         }
      }
      message.reencode();
      postOffice.route(message, new RoutingContextImpl(tx), false, false, null);
      return true;
   }

   private static void rollback(Transaction tx) {
      try {
         tx.rollback();
      } catch (Exception e) {
         logger.debug("Rolling back an EXPIRED report", e);
      }
   }

   /** One retry for every MT that failed until it runs, and one warning. */
   private void scheduleRetry(Throwable cause) {
      if (retryScheduled.compareAndSet(false, true)) {
         long delay = retryMillis;
         retryMillis = Math.min(MAX_RETRY_MILLIS, delay * 2);
         logger.warn("{} reports could not be stored ({}); their MT wait on {} and are tried again in {} ms",
                     state.stat(), cause.toString(), queueName, delay);
         try {
            retries.schedule(this::retry, delay, TimeUnit.MILLISECONDS);
         } catch (RejectedExecutionException stopped) {
            retryScheduled.set(false);
         }
      }
   }

   /** Puts back the MT of failed commits, creates the queues reports lacked, then offers every MT still waiting again. */
   private void retry() {
      retryScheduled.set(false);
      for (Transaction failed = failedCommits.poll(); failed != null; failed = failedCommits.poll()) {
         rollback(failed); // puts its MT back on the queue
      }
      for (SimpleString address : missingQueues) {
         try {
            AccountQueues.createQueue(server, address);
            missingQueues.remove(address);
         } catch (Exception e) {
            logger.warn("Could not create {} for {} reports", address, state.stat(), e);
         }
      }
      Queue expired = queue;
      if (active && expired != null) {
         expired.resetAllIterators(); // messages passed over after a failure are offered again
         expired.deliverAsync();
      }
   }

   // ------------------------------------------------------------------ the rest of Consumer

   @Override
   public boolean supportsDirectDelivery() {
      return false; // a journal transaction per message: on the queue's executor, not on the sender's thread
   }

   @Override
   public void proceedDeliver(MessageReference reference) {
      // all done in handle(), as Artemis' redistributor does
   }

   @Override
   public Filter getFilter() {
      return null;
   }

   @Override
   public List<MessageReference> getDeliveringMessages() {
      return Collections.emptyList();
   }

   @Override
   public String debug() {
      return toString();
   }

   @Override
   public String toManagementString() {
      return state.stat() + " reports[" + queueName + "]";
   }

   @Override
   public void disconnect() {
   }

   @Override
   public void failed(Throwable t) {
      logger.warn("{} reports: consumer of {} failed", state.stat(), queueName, t);
   }

   @Override
   public long sequentialID() {
      return sequentialId;
   }
}
