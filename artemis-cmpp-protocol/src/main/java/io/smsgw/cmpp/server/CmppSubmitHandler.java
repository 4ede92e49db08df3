package io.smsgw.cmpp.server;

import java.util.ArrayList;
import java.util.List;

import io.smsgw.broker.AcceptorMeters;
import io.smsgw.broker.DurableSender;
import io.smsgw.broker.StorageOverload;
import io.smsgw.broker.ThrottlingLog;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Submit;
import io.smsgw.cmpp.codec.SubmitResp;
import io.smsgw.cmpp.gns.MtSegmentIndex;
import io.smsgw.core.concat.ConcatPart;
import io.smsgw.core.concat.MalformedUdhException;
import io.smsgw.core.concat.SmsParts;
import io.smsgw.core.concat.UserDataHeader;
import io.smsgw.core.config.Account;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsMessageBuilder;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.id.CmppMsgId;
import io.smsgw.core.rate.RateLimiter;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.core.runtime.TrafficCounters;
import io.smsgw.core.text.DataCoding;
import io.smsgw.core.text.SmsEncoding;
import io.smsgw.core.text.SmsText;
import io.smsgw.core.time.SmppTime;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.io.IOCallback;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.apache.activemq.artemis.core.persistence.StorageManager;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CMPP_SUBMIT: checks the SP's rights, turns the submit into one durable MT message per recipient (a group
 * send gets consecutive Msg_Ids) and answers SUBMIT_RESP Result 0 from the storage completion callback. Each
 * SUBMIT handed here is answered exactly once, through {@link CmppSession#answer}, which counts it off the
 * connection's pending requests.
 */
final class CmppSubmitHandler {

   private static final Logger logger = LoggerFactory.getLogger(CmppSubmitHandler.class);

   /** Vendor result (100-199 range): the journal failed; nothing was accepted, the SP may retry. */
   static final int RESULT_STORAGE_FAILURE = 100;
   /** Vendor result: no queue is bound to the submit address, so the message could not be kept. */
   static final int RESULT_NOT_ROUTED = 101;
   /** Vendor result: the SP's daily quota is used up until midnight. */
   static final int RESULT_DAILY_QUOTA_EXHAUSTED = 102;

   private static final SimpleString PROTOCOL = SimpleString.of(CmppProtocolManagerFactory.PROTOCOL_NAME);
   private static final int MAX_RECIPIENTS = 99;
   private static final int MAX_CONTENT = 140;
   private static final int MAX_ASCII_CONTENT = 159;
   /** Fee_UserType: charge the number in Fee_terminal_Id. */
   private static final int FEE_USER_TYPE_TERMINAL = 3;

   private final CmppSession session;
   private final GatewayRuntime runtime;
   private final StorageManager storage;
   private final DurableSender sender;
   private final Account account;
   private final SimpleString accountId;
   private final SimpleString version;
   private final SimpleString address;
   /** The SP's submit counts of the acceptors' meters (AcceptorMeters). */
   private final AcceptorMeters.Account counts;
   /** The broker's INFO lines about throttled accounts. */
   private final ThrottlingLog throttling;
   private final ActiveMQServer server;

   CmppSubmitHandler(CmppSession session, ActiveMQServer server, DurableSender sender) {
      this.session = session;
      this.runtime = session.runtime();
      this.storage = server.getStorageManager();
      this.sender = sender;
      this.account = session.account();
      this.accountId = SimpleString.of(account.id());
      this.version = SimpleString.of(session.version() == CmppVersion.V30 ? "3.0" : "2.0");
      this.address = SimpleString.of(session.manager().getCmppSubmitAddress());
      this.counts = AcceptorMeters.account(server, CmppProtocolManagerFactory.PROTOCOL_NAME, account.id(), session.manager().getCmppAccountQueuePrefix());
      this.throttling = ThrottlingLog.of(server);
      this.server = server;
   }

   /** Every SUBMIT_RESP of this handler goes through here. */
   private void answer(SubmitResp resp) {
      counts.submitAnswered(resp.isOk());
      session.answer(resp);
   }

   /** A refusal of a known cause (Result 8 is both the rate's and the storage's answer). */
   private void answer(SubmitResp resp, AcceptorMeters.Refusal cause) {
      counts.submitRefused(cause);
      session.answer(resp);
   }

   void onSubmit(Submit s) {
      int refusal = check(s);
      if (refusal != CmppResult.OK) {
         answer(s.errorResponse(refusal));
         return;
      }
      List<String> recipients = s.destTerminalIds();
      long now = System.currentTimeMillis();
      long validity = SmppTime.toEpochMillis(s.valIdTime(), now);
      long schedule = SmppTime.toEpochMillis(s.atTime(), now);
      if (validity == SmppTime.INVALID || schedule == SmppTime.INVALID) {
         answer(s.errorResponse(CmppResult.STRUCTURE_ERROR));
         return;
      }
      // Every recipient gets the same content: read (and decoded) once.
      Content content;
      try {
         content = content(s);
      } catch (MalformedUdhException e) {
         answer(s.errorResponse(CmppResult.STRUCTURE_ERROR));
         return;
      }
      if (content.refusal() != CmppResult.OK) {
         answer(s.errorResponse(content.refusal()));
         return;
      }
      if (content.parts() > account.maxMessageParts()) {
         answer(s.errorResponse(CmppResult.MESSAGE_TOO_LONG));
         return;
      }
      // The SP's rate and daily quota count SMS parts, as for SMPP: every part to every recipient, all or none.
      // Content of at most 140 octets is mostly one part, but e.g. 159 ASCII characters that GSM cannot carry go
      // upstream as UCS2 in three.
      int parts = content.parts() * recipients.size();
      // Looked up per SUBMIT, as CANCELs and SMPP do: a reload replaces the account's limiter, and a limiter kept from
      // the CONNECT would give this connection's SUBMITs a rate of their own next to its CANCELs' (decision 121).
      RateLimiter limiter = runtime.submitLimiter(account);
      if (!limiter.tryAcquire(parts)) {
         throttling.throttled(CmppProtocolManagerFactory.PROTOCOL_NAME, account.id(), limiter.permitsPerSecond());
         answer(s.errorResponse(CmppResult.FLOW_CONTROL_ERROR), AcceptorMeters.Refusal.THROTTLED);
         return;
      }
      // From here on the SUBMIT holds its rate permits: every refusal below gives them back, as it gives back the
      // daily quota, so a refused SUBMIT does not cost the SP any of its rate.
      long firstId = runtime.nextMsgIdBlock(recipients.size());
      List<CoreMessage> messages = new ArrayList<>(recipients.size());
      for (int i = 0; i < recipients.size(); i++) {
         messages.add(message(s, content, CmppMsgId.toHex(firstId + i), recipients.get(i), now, schedule, validity));
      }
      // Taken last, once the SUBMIT is known to be acceptable, and given back if it is not stored: a refused
      // SUBMIT must not use up the day's quota.
      if (!runtime.quotas().tryConsume(account, parts)) {
         refuse(s, limiter, RESULT_DAILY_QUOTA_EXHAUSTED, parts, false, AcceptorMeters.Refusal.QUOTA);
         return;
      }
      try {
         DurableSender.Result result = sender.send(messages, new IOCallback() {
            @Override
            public void done() {
               answer(s.response(firstId, CmppResult.OK));
            }

            @Override
            public void onError(int errorCode, String errorMessage) {
               logger.warn("Journal error {} for a SUBMIT from '{}': {}", errorCode, account.id(), errorMessage);
               refuse(s, limiter, RESULT_STORAGE_FAILURE, parts, true, AcceptorMeters.Refusal.OTHER);
            }
         });
         if (result == DurableSender.Result.NOT_ROUTED) {
            logger.warn("SUBMIT from '{}' refused: no queue is bound to {}", account.id(), address);
            refuse(s, limiter, RESULT_NOT_ROUTED, parts, true, AcceptorMeters.Refusal.OTHER);
            return;
         }
         runtime.traffic().recordMt(account.id(), runtime.traffic().today(), s.serviceId(), recipients.size());
      } catch (DurableSender.StorageFull full) {
         // The storage cannot take it now (decision 131): Result 8, which SPs retry, the connection kept open and
         // not read from until the store frees memory.
         StorageOverload.Cause cause = full.storageCause();
         counts.storageFull(cause);
         StorageOverload.refused(server, CmppProtocolManagerFactory.PROTOCOL_NAME, account.id(), cause, full.address());
         session.waitForStorage(sender, full);
         refuse(s, limiter, CmppResult.FLOW_CONTROL_ERROR, parts, true, AcceptorMeters.Refusal.STORAGE);
      } catch (Exception e) {
         logger.warn("SUBMIT from '{}' failed in the broker", account.id(), e);
         refuse(s, limiter, RESULT_STORAGE_FAILURE, parts, true, AcceptorMeters.Refusal.OTHER);
      }
   }

   /**
    * A SUBMIT the connection did not keep while the storage is full, because as many wait already (PduChannelHandler):
    * Result 8 at once, counted as a refusal of the store as one the store itself refused; it took no rate or quota.
    * Counted as taken by the session.
    */
   void refuseForStorage(Submit s, DurableSender.StorageFull full) {
      StorageOverload.Cause cause = full.storageCause();
      counts.storageFull(cause);
      StorageOverload.refused(server, CmppProtocolManagerFactory.PROTOCOL_NAME, account.id(), cause, full.address());
      answer(s.errorResponse(CmppResult.FLOW_CONTROL_ERROR), AcceptorMeters.Refusal.STORAGE);
   }

   /** Answers a SUBMIT that took its rate permits with a refusal, giving them back (and the quota, if taken). */
   private void refuse(Submit s, RateLimiter limiter, int result, int parts, boolean quotaTaken, AcceptorMeters.Refusal cause) {
      limiter.release(parts);
      if (quotaTaken) {
         runtime.quotas().release(account, parts);
      }
      answer(s.errorResponse(result), cause);
   }

   /** The SUBMIT_RESP Result for a submit this SP may not make, or OK. */
   private int check(Submit s) {
      int recipients = s.destTerminalIds().size();
      if (recipients < 1 || recipients > MAX_RECIPIENTS) {
         return CmppResult.DEST_TERMINAL_ID_ERROR;
      }
      // One invalid number refuses the whole SUBMIT [spec, appendix 1].
      for (String recipient : s.destTerminalIds()) {
         if (!isNumber(recipient)) {
            return CmppResult.DEST_TERMINAL_ID_ERROR;
         }
      }
      if (!s.msgSrc().equals(account.id())) {
         return CmppResult.MSG_SRC_ERROR;
      }
      if (!account.allowsCmppSource(s.srcId())) {
         return CmppResult.SRC_ID_ERROR;
      }
      if (!account.allowsServiceId(s.serviceId())) {
         return CmppResult.SERVICE_ID_ERROR;
      }
      if (!account.thirdPartyBilling() && !chargesOnlyItsRecipients(s)) {
         return CmppResult.FEE_TERMINAL_ID_ERROR;
      }
      if (!DataCoding.isCmppMsgFmt(s.msgFmt())) {
         return CmppResult.STRUCTURE_ERROR; // it went upstream as binary, whatever the SP meant by it
      }
      // 159 ASCII characters fit one SMS as septets: Msg_Fmt 0, and a GSM data coding with a class in the default alphabet.
      int limit = SmsEncoding.fromCmppMsgFmt(s.msgFmt()) == SmsEncoding.ASCII && !s.hasUdh() ? MAX_ASCII_CONTENT : MAX_CONTENT;
      if (s.msgContent().length > limit) {
         return CmppResult.MESSAGE_TOO_LONG;
      }
      if (!isDefinedFeeType(s.feeType(), session.version())) {
         return CmppResult.FEE_CODE_ERROR;
      }
      for (int i = 0; i < s.feeCode().length(); i++) {
         if (s.feeCode().charAt(i) < '0' || s.feeCode().charAt(i) > '9') {
            return CmppResult.FEE_CODE_ERROR;
         }
      }
      // Pk_number counts from 1 up to Pk_total. With a UDH its concatenation element decides (an invalid one is
      // refused when it is parsed; Pk_total / Pk_number disagreeing with a valid one are not looked at, decision 107:
      // the handset joins parts by the header); without one these fields become the stored segment numbers. Pk_total 0 or 1 is one message,
      // whatever Pk_number says: SP clients and other vendors' ISMGs written in C zero-fill the whole struct.
      if (!s.hasUdh() && s.pkTotal() > 1 && (s.pkNumber() < 1 || s.pkNumber() > s.pkTotal())) {
         return CmppResult.STRUCTURE_ERROR;
      }
      return CmppResult.OK;
   }

   /**
    * FeeType "01" to "05" (2.0 and 2.1: free, per message, monthly, capped, charged by the SP); 3.0 adds "06" (monthly
    * query fee) and keeps "04" and "05", which its text drops but SPs moved from 2.0 still send (decision 107). Absent
    * (a zero-filled field, as C clients send) passes, as an absent FeeCode does: the billing record then has none.
    */
   static boolean isDefinedFeeType(String feeType, CmppVersion version) {
      if (feeType.isEmpty()) {
         return true;
      }
      if (feeType.length() != 2 || feeType.charAt(0) != '0') {
         return false;
      }
      char code = feeType.charAt(1);
      return code >= '1' && code <= (version == CmppVersion.V30 ? '6' : '5');
   }

   /**
    * Whether the SUBMIT charges no one but its recipient, the SP or nobody. Fee_UserType 0 charges the recipient, 1
    * the source (the SP's own Src_Id) and 2 the SP; 3 charges Fee_terminal_Id, which the billing record carries, so
    * with it an SP could bill any handset it names: allowed only when that number is each recipient (written with
    * or without +86).
    */
   static boolean chargesOnlyItsRecipients(Submit s) {
      if (s.feeUserType() != FEE_USER_TYPE_TERMINAL) {
         return true;
      }
      String charged = MtSegmentIndex.nationalNumber(s.feeTerminalId());
      if (charged == null) {
         return false;
      }
      for (String recipient : s.destTerminalIds()) {
         if (!charged.equals(MtSegmentIndex.nationalNumber(recipient))) {
            return false;
         }
      }
      return true;
   }

   /**
    * A Dest_terminal_Id the gateway can send to: digits, after an optional '+' ("86" / "+86" prefixes are allowed).
    * Pseudo numbers (3.0 Dest_terminal_type 1) are not translated by this gateway, so they must be digits too.
    */
   static boolean isNumber(String recipient) {
      int start = !recipient.isEmpty() && recipient.charAt(0) == '+' ? 1 : 0;
      if (recipient.length() == start) {
         return false;
      }
      for (int i = start; i < recipient.length(); i++) {
         char c = recipient.charAt(i);
         if (c < '0' || c > '9') {
            return false;
         }
      }
      return true;
   }

   /**
    * What a SUBMIT carries, read once for all its recipients: the UDH length and its concatenation element (if any),
    * the decoded text (null for binary content) and the SMS parts it becomes upstream.
    */
   private record Content(int payloadOffset, ConcatPart part, SmsEncoding encoding, String text, int parts, int refusal) {
   }

   private static Content content(Submit s) throws MalformedUdhException {
      byte[] content = s.msgContent();
      int payloadOffset = 0;
      ConcatPart part = null;
      if (s.hasUdh()) {
         UserDataHeader udh = UserDataHeader.parse(content);
         if (udh.hasInvalidConcatenation()) {
            return new Content(0, null, null, null, 0, CmppResult.STRUCTURE_ERROR);
         }
         payloadOffset = udh.length();
         part = udh.concatPart().orElse(null);
      }
      SmsEncoding encoding = SmsEncoding.fromCmppMsgFmt(s.msgFmt());
      int length = content.length - payloadOffset;
      if (encoding == SmsEncoding.BINARY) {
         return new Content(payloadOffset, part, encoding, null, SmsParts.ofBinary(length), CmppResult.OK);
      }
      // Octets Msg_Fmt does not define would decode to U+FFFD and reach the handset as such: refused, not mangled.
      switch (SmsText.check(content, payloadOffset, length, encoding)) {
         case ODD_LENGTH:
            return new Content(payloadOffset, part, encoding, null, 0, CmppResult.MESSAGE_LENGTH_ERROR);
         case UNDEFINED_OCTETS:
            return new Content(payloadOffset, part, encoding, null, 0, CmppResult.STRUCTURE_ERROR);
         default:
            break;
      }
      String text = SmsText.decode(content, payloadOffset, length, encoding);
      return new Content(payloadOffset, part, encoding, text, SmsParts.ofText(text), CmppResult.OK);
   }

   private CoreMessage message(Submit s, Content c, String smsId, String recipient, long now, long schedule, long validity) {
      byte[] content = s.msgContent();
      SmsMessageBuilder m = SmsMessageBuilder.create(storage.generateID(), address, SmsKind.MT)
         .id(smsId)
         .string(SmsProperties.ACCOUNT, accountId)
         .string(SmsProperties.PROTOCOL, PROTOCOL)
         .string(SmsProperties.PROTOCOL_VERSION, version)
         .source(s.srcId(), (byte) 0, (byte) 0)
         .destination(recipient, (byte) 0, (byte) 0)
         .string(SmsProperties.SERVICE_ID, s.serviceId())
         .integer(SmsProperties.PROTOCOL_ID, s.tpPid())
         .integer(SmsProperties.PRIORITY, s.msgLevel())
         .integer(SmsProperties.REGISTERED_DELIVERY, s.registeredDelivery())
         .fee(s.feeUserType(), s.feeType(), s.feeCode(), s.feeTerminalId())
         .submitTime(now)
         .scheduleTime(schedule)
         .validityTime(validity);
      if (!s.linkId().isEmpty()) {
         m.string(SmsProperties.LINK_ID, s.linkId());
      }
      int payloadOffset = c.payloadOffset();
      if (s.hasUdh()) {
         m.udh(content, payloadOffset);
         if (c.part() != null) {
            m.segment(c.part().reference().value(), c.part().total(), c.part().number());
         }
      } else if (s.pkTotal() > 1) {
         m.segment(0, s.pkTotal(), s.pkNumber());
      }
      // GBK text is stored as Unicode text and relayed as UCS2, the nearest SMPP data_coding; SIM card writes as 0xF6.
      m.integer(SmsProperties.DATA_CODING, DataCoding.fromCmppMsgFmt(s.msgFmt()));
      if (c.text() == null) {
         m.bytes(content, payloadOffset, content.length - payloadOffset);
      } else {
         m.text(c.text());
      }
      return m.build();
   }
}
