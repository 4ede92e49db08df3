package io.smsgw.core.contract;

import org.apache.activemq.artemis.api.core.SimpleString;

/**
 * Property names of the message contract. All are valid Java identifiers so JMS selectors work, all
 * share the {@code sms} prefix. Broker message ids change on diverts and copies: always correlate on
 * {@link #ID}.
 */
public final class SmsProperties {

   /** String. The gateway's stable message id, exactly as the SP/ESME was given it. */
   public static final SimpleString ID = SimpleString.of("smsId");
   /** String. {@link SmsKind} name: MT, MO or DR. */
   public static final SimpleString KIND = SimpleString.of("smsKind");
   /** String. The account (SMPP system_id / CMPP SP_Id) that submitted an MT or that an MO/DR is for. */
   public static final SimpleString ACCOUNT = SimpleString.of("smsAccount");
   /** String. The protocol the message came in on: SMPP, CMPP, or APP for applications. */
   public static final SimpleString PROTOCOL = SimpleString.of("smsProtocol");
   /** String. Protocol version of the session it came in on (e.g. 3.4, 3.3, 2.0, 3.0). */
   public static final SimpleString PROTOCOL_VERSION = SimpleString.of("smsProtocolVersion");

   /** String. Source address (sender). */
   public static final SimpleString SOURCE = SimpleString.of("smsSource");
   /** Byte. SMPP type of number of the source address. */
   public static final SimpleString SOURCE_TON = SimpleString.of("smsSourceTon");
   /** Byte. SMPP numbering plan indicator of the source address. */
   public static final SimpleString SOURCE_NPI = SimpleString.of("smsSourceNpi");
   /** String. Destination address (recipient). */
   public static final SimpleString DESTINATION = SimpleString.of("smsDestination");
   /** Byte. SMPP type of number of the destination address. */
   public static final SimpleString DESTINATION_TON = SimpleString.of("smsDestinationTon");
   /** Byte. SMPP numbering plan indicator of the destination address. */
   public static final SimpleString DESTINATION_NPI = SimpleString.of("smsDestinationNpi");

   /** String. SMPP service_type. */
   public static final SimpleString SERVICE_TYPE = SimpleString.of("smsServiceType");
   /** String. CMPP Service_Id. */
   public static final SimpleString SERVICE_ID = SimpleString.of("smsServiceId");
   /** Int. data_coding the text arrived with (SMPP data_coding / CMPP Msg_Fmt mapped to it). */
   public static final SimpleString DATA_CODING = SimpleString.of("smsDataCoding");
   /** Int. SMPP esm_class as received. */
   public static final SimpleString ESM_CLASS = SimpleString.of("smsEsmClass");
   /** Int. SMPP protocol_id / CMPP TP_pid. */
   public static final SimpleString PROTOCOL_ID = SimpleString.of("smsProtocolId");
   /** Int. SMPP priority_flag / CMPP Msg_level. */
   public static final SimpleString PRIORITY = SimpleString.of("smsPriority");
   /** Int. SMPP registered_delivery / CMPP Registered_Delivery. */
   public static final SimpleString REGISTERED_DELIVERY = SimpleString.of("smsRegisteredDelivery");
   /** Long. Absolute time (epoch millis) before which the message must not be sent on. */
   public static final SimpleString SCHEDULE_TIME = SimpleString.of("smsScheduleTime");
   /** Long. Absolute time (epoch millis) after which the message is expired. */
   public static final SimpleString VALIDITY_TIME = SimpleString.of("smsValidityTime");

   /** String. CMPP 3.0 LinkID: ties an MT to the on-demand MO that triggered it. */
   public static final SimpleString LINK_ID = SimpleString.of("smsLinkId");

   /** Int. CMPP Fee_UserType. */
   public static final SimpleString FEE_USER_TYPE = SimpleString.of("smsFeeUserType");
   /** String. CMPP FeeType. */
   public static final SimpleString FEE_TYPE = SimpleString.of("smsFeeType");
   /** String. CMPP FeeCode. */
   public static final SimpleString FEE_CODE = SimpleString.of("smsFeeCode");
   /** String. CMPP Fee_terminal_Id (the charged number). */
   public static final SimpleString FEE_TERMINAL = SimpleString.of("smsFeeTerminal");

   /** Int. Concatenation reference shared by all segments of one long message. */
   public static final SimpleString SEGMENT_REF = SimpleString.of("smsSegmentRef");
   /** Int. Number of segments of the long message. */
   public static final SimpleString SEGMENT_TOTAL = SimpleString.of("smsSegmentTotal");
   /** Int. This segment's number, counted from 1. */
   public static final SimpleString SEGMENT_NUMBER = SimpleString.of("smsSegmentNumber");
   /**
    * Boolean. On the DR of one part of an MT the gateway cut into parts itself (its submitter got one id for the whole
    * message): true. Routing sends the submitter one report for the whole message instead of one per part.
    */
   public static final SimpleString GATEWAY_SPLIT = SimpleString.of("smsGatewaySplit");
   /**
    * Int. On the report and billing record of an MT an SMSC link sent whole in one {@code message_payload}
    * ({@code long-messages = payload}): how many SMS its text is in the coding the link sent it in, which the SMSC cuts
    * it into and bills. Absent on every other record (each is one SMS: a whole message or one part).
    */
   public static final SimpleString SMS_PARTS = SimpleString.of("smsParts");
   /**
    * Long. On a report whose done time was earlier than its submit time (a receipt's done date has minute resolution):
    * the done time as it came; {@link #DONE_TIME} then says the submit time.
    */
   public static final SimpleString REPORTED_DONE_TIME = SimpleString.of("smsReportedDoneTime");
   /** Bytes. The user data header exactly as received (UDHL included), when there was one. */
   public static final SimpleString UDH = SimpleString.of("smsUdh");

   /**
    * String. Delivery state of a DR: DELIVRD, EXPIRED, DELETED, UNDELIV, ACCEPTD, UNKNOWN, REJECTD, ENROUTE. A report
    * that came over CMPP_FWD with a network code as Stat (MB:0001) has the state the code means ({@link
    * io.smsgw.core.receipt.ReportCodes#state}), the code in {@link #ERROR_CODE} and {@link #NETWORK_CODE}.
    */
   public static final SimpleString STATUS = SimpleString.of("smsStatus");
   /**
    * String. Error code of a DR (SMPP err:, network error, or a CMPP network code), in full; an SMPP receipt's err: is
    * its 3-character form ({@link io.smsgw.core.receipt.ReportCodes#receiptError}). CMPP_FWD carries only a network code.
    */
   public static final SimpleString ERROR_CODE = SimpleString.of("smsErrorCode");
   /**
    * String. The CMPP network code of a DR's outcome (CMPP 3.0 §1.10, 7 characters): MB:xxxx the SMSC refused the MT
    * with that status (in decimal), MA:0000 the SMSC never answered it, MC:0000 no receipt came; a code a CMPP_FWD peer
    * sent as Stat. CMPP SPs and peers get it as Stat instead of the state word; SMPP ESMEs get the state word.
    */
   public static final SimpleString NETWORK_CODE = SimpleString.of("smsNetworkCode");
   /** Long. When the gateway accepted the MT (epoch millis). */
   public static final SimpleString SUBMIT_TIME = SimpleString.of("smsSubmitTime");
   /** Long. When the final state was reached (epoch millis). */
   public static final SimpleString DONE_TIME = SimpleString.of("smsDoneTime");
   /** String. The message id the upstream SMSC gave this message. */
   public static final SimpleString SMSC_MESSAGE_ID = SimpleString.of("smsSmscMessageId");
   /** String. The SMSC link the message went out on or came in from. */
   public static final SimpleString LINK = SimpleString.of("smsLink");
   /**
    * String. Code of the peer gateway the message last came from over CMPP_FWD (the FWD's Source_Id), not
    * necessarily where its MT was submitted; a report made here for such an MT carries the MT's value. Absent on
    * messages that never crossed gateways.
    */
   public static final SimpleString ORIGIN_GATEWAY = SimpleString.of("smsOriginGateway");
   /**
    * String. On an MT that crosses to another gateway: the smsId its application gave it, when that id was not issued
    * by this gateway and routing gave the MT one of this gateway's to travel with (reports find their way home by
    * the issuing gateway of the id); its reports carry this id again. Absent otherwise.
    */
   public static final SimpleString SUBMITTED_ID = SimpleString.of("smsSubmittedId");
   /**
    * Boolean. On a DR a peer sent back over CMPP_FWD: true when this gateway's forward record shows its MT was submitted
    * here, so routing delivers and bills it here whatever gateway its smsId names. Absent otherwise.
    */
   public static final SimpleString REPORT_HOME = SimpleString.of("smsReportHome");
   /** String. On a DR: "MO" when it reports on an MO (CMPP_FWD Msg_Fwd_Type 3); absent for reports on MT. */
   public static final SimpleString REPORT_OF = SimpleString.of("smsReportOf");
   /** Int. Number of gateway hops so far (CMPP_FWD NodesCount). */
   public static final SimpleString HOPS = SimpleString.of("smsHops");

   private SmsProperties() {
   }
}
