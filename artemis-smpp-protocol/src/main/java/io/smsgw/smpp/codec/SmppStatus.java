package io.smsgw.smpp.codec;

/**
 * SMPP {@code command_status} codes (SMPP 3.4 table; 3.3 uses a subset). Vendor-specific codes
 * live in {@code 0x400..0x4FF}.
 */
public final class SmppStatus {

    public static final int ESME_ROK = 0x00;
    public static final int ESME_RINVMSGLEN = 0x01;
    public static final int ESME_RINVCMDLEN = 0x02;
    public static final int ESME_RINVCMDID = 0x03;
    public static final int ESME_RINVBNDSTS = 0x04;
    public static final int ESME_RALYBND = 0x05;
    public static final int ESME_RINVPRTFLG = 0x06;
    public static final int ESME_RINVREGDLVFLG = 0x07;
    public static final int ESME_RSYSERR = 0x08;
    public static final int ESME_RINVSRCADR = 0x0A;
    public static final int ESME_RINVDSTADR = 0x0B;
    public static final int ESME_RINVMSGID = 0x0C;
    public static final int ESME_RBINDFAIL = 0x0D;
    public static final int ESME_RINVPASWD = 0x0E;
    public static final int ESME_RINVSYSID = 0x0F;
    public static final int ESME_RCANCELFAIL = 0x11;
    public static final int ESME_RREPLACEFAIL = 0x13;
    public static final int ESME_RMSGQFUL = 0x14;
    public static final int ESME_RINVSERTYP = 0x15;
    public static final int ESME_RINVNUMDESTS = 0x33;
    public static final int ESME_RINVDLNAME = 0x34;
    public static final int ESME_RINVDESTFLAG = 0x40;
    public static final int ESME_RINVSUBREP = 0x42;
    public static final int ESME_RINVESMCLASS = 0x43;
    public static final int ESME_RCNTSUBDL = 0x44;
    public static final int ESME_RSUBMITFAIL = 0x45;
    public static final int ESME_RINVSRCTON = 0x48;
    public static final int ESME_RINVSRCNPI = 0x49;
    public static final int ESME_RINVDSTTON = 0x50;
    public static final int ESME_RINVDSTNPI = 0x51;
    public static final int ESME_RINVSYSTYP = 0x53;
    public static final int ESME_RINVREPFLAG = 0x54;
    public static final int ESME_RINVNUMMSGS = 0x55;
    public static final int ESME_RTHROTTLED = 0x58;
    public static final int ESME_RINVSCHED = 0x61;
    public static final int ESME_RINVEXPIRY = 0x62;
    public static final int ESME_RINVDFTMSGID = 0x63;
    public static final int ESME_RX_T_APPN = 0x64;
    public static final int ESME_RX_P_APPN = 0x65;
    public static final int ESME_RX_R_APPN = 0x66;
    public static final int ESME_RQUERYFAIL = 0x67;
    public static final int ESME_RINVOPTPARSTREAM = 0xC0;
    public static final int ESME_ROPTPARNOTALLWD = 0xC1;
    public static final int ESME_RINVPARLEN = 0xC2;
    public static final int ESME_RMISSINGOPTPARAM = 0xC3;
    public static final int ESME_RINVOPTPARAMVAL = 0xC4;
    public static final int ESME_RDELIVERYFAILURE = 0xFE;
    public static final int ESME_RUNKNOWNERR = 0xFF;

    /** First vendor-specific code. */
    public static final int VENDOR_SPECIFIC_MIN = 0x400;
    /** Last vendor-specific code. */
    public static final int VENDOR_SPECIFIC_MAX = 0x4FF;

    private SmppStatus() {
    }

    /**
     * {@code status} as it may go to a peer of SMPP 3.3, which does not define the TLV statuses
     * (ESME_RINVOPTPARSTREAM to ESME_RINVOPTPARAMVAL, 0xC0-0xC4): those become ESME_RSYSERR, every other status is
     * returned as it is. Nothing read from a 3.3 peer has TLVs, so one of them for it is the gateway's own fault.
     */
    public static int forVersion33(int status) {
        return status >= ESME_RINVOPTPARSTREAM && status <= ESME_RINVOPTPARAMVAL ? ESME_RSYSERR : status;
    }

    /** The spec name ("ESME_RINVCMDID"), "VENDOR(0x...)" or "0x..." for codes without a name. */
    public static String name(int status) {
        switch (status) {
            case ESME_ROK: return "ESME_ROK";
            case ESME_RINVMSGLEN: return "ESME_RINVMSGLEN";
            case ESME_RINVCMDLEN: return "ESME_RINVCMDLEN";
            case ESME_RINVCMDID: return "ESME_RINVCMDID";
            case ESME_RINVBNDSTS: return "ESME_RINVBNDSTS";
            case ESME_RALYBND: return "ESME_RALYBND";
            case ESME_RINVPRTFLG: return "ESME_RINVPRTFLG";
            case ESME_RINVREGDLVFLG: return "ESME_RINVREGDLVFLG";
            case ESME_RSYSERR: return "ESME_RSYSERR";
            case ESME_RINVSRCADR: return "ESME_RINVSRCADR";
            case ESME_RINVDSTADR: return "ESME_RINVDSTADR";
            case ESME_RINVMSGID: return "ESME_RINVMSGID";
            case ESME_RBINDFAIL: return "ESME_RBINDFAIL";
            case ESME_RINVPASWD: return "ESME_RINVPASWD";
            case ESME_RINVSYSID: return "ESME_RINVSYSID";
            case ESME_RCANCELFAIL: return "ESME_RCANCELFAIL";
            case ESME_RREPLACEFAIL: return "ESME_RREPLACEFAIL";
            case ESME_RMSGQFUL: return "ESME_RMSGQFUL";
            case ESME_RINVSERTYP: return "ESME_RINVSERTYP";
            case ESME_RINVNUMDESTS: return "ESME_RINVNUMDESTS";
            case ESME_RINVDLNAME: return "ESME_RINVDLNAME";
            case ESME_RINVDESTFLAG: return "ESME_RINVDESTFLAG";
            case ESME_RINVSUBREP: return "ESME_RINVSUBREP";
            case ESME_RINVESMCLASS: return "ESME_RINVESMCLASS";
            case ESME_RCNTSUBDL: return "ESME_RCNTSUBDL";
            case ESME_RSUBMITFAIL: return "ESME_RSUBMITFAIL";
            case ESME_RINVSRCTON: return "ESME_RINVSRCTON";
            case ESME_RINVSRCNPI: return "ESME_RINVSRCNPI";
            case ESME_RINVDSTTON: return "ESME_RINVDSTTON";
            case ESME_RINVDSTNPI: return "ESME_RINVDSTNPI";
            case ESME_RINVSYSTYP: return "ESME_RINVSYSTYP";
            case ESME_RINVREPFLAG: return "ESME_RINVREPFLAG";
            case ESME_RINVNUMMSGS: return "ESME_RINVNUMMSGS";
            case ESME_RTHROTTLED: return "ESME_RTHROTTLED";
            case ESME_RINVSCHED: return "ESME_RINVSCHED";
            case ESME_RINVEXPIRY: return "ESME_RINVEXPIRY";
            case ESME_RINVDFTMSGID: return "ESME_RINVDFTMSGID";
            case ESME_RX_T_APPN: return "ESME_RX_T_APPN";
            case ESME_RX_P_APPN: return "ESME_RX_P_APPN";
            case ESME_RX_R_APPN: return "ESME_RX_R_APPN";
            case ESME_RQUERYFAIL: return "ESME_RQUERYFAIL";
            case ESME_RINVOPTPARSTREAM: return "ESME_RINVOPTPARSTREAM";
            case ESME_ROPTPARNOTALLWD: return "ESME_ROPTPARNOTALLWD";
            case ESME_RINVPARLEN: return "ESME_RINVPARLEN";
            case ESME_RMISSINGOPTPARAM: return "ESME_RMISSINGOPTPARAM";
            case ESME_RINVOPTPARAMVAL: return "ESME_RINVOPTPARAMVAL";
            case ESME_RDELIVERYFAILURE: return "ESME_RDELIVERYFAILURE";
            case ESME_RUNKNOWNERR: return "ESME_RUNKNOWNERR";
            default:
                String hex = "0x" + Integer.toHexString(status);
                return status >= VENDOR_SPECIFIC_MIN && status <= VENDOR_SPECIFIC_MAX ? "VENDOR(" + hex + ")" : hex;
        }
    }
}
