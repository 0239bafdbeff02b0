package dev.beacon.job.enrich;

import dev.beacon.job.correlate.EmergencyCallFact;
import dev.beacon.job.reference.ReferenceUpdate.DirectoryUser;

/**
 * Gives a fact what the directory knows about its caller: UPN, department, job title, office location, a phone
 * number and the display name. Only fields the fact does not have yet (null or blank) are filled: what Graph's
 * emergency call event or the chat said about the call is never overwritten, and a directory without a field
 * leaves the fact as it was. Pure: the caller decides which user belongs to the fact and emits a new revision
 * when this returns true.
 */
public final class DirectoryEnrichment {

    private DirectoryEnrichment() {}

    /**
     * Fills the fact's missing caller fields from {@code user}.
     *
     * @return whether any field of the fact changed
     */
    public static boolean apply(DirectoryUser user, EmergencyCallFact fact) {
        if (user == null || fact == null) {
            return false;
        }
        boolean changed = false;
        if (absent(fact.callerUpn) && !absent(user.userPrincipalName)) {
            fact.callerUpn = user.userPrincipalName;
            changed = true;
        }
        if (absent(fact.callerDepartment) && !absent(user.department)) {
            fact.callerDepartment = user.department;
            changed = true;
        }
        if (absent(fact.callerJobTitle) && !absent(user.jobTitle)) {
            fact.callerJobTitle = user.jobTitle;
            changed = true;
        }
        if (absent(fact.callerOfficeLocation) && !absent(user.officeLocation)) {
            fact.callerOfficeLocation = user.officeLocation;
            changed = true;
        }
        String phone = phoneOf(user);
        if (absent(fact.callerPhoneNumber) && phone != null) {
            fact.callerPhoneNumber = phone;
            changed = true;
        }
        if (absent(fact.callerDisplayName) && !absent(user.displayName)) {
            fact.callerDisplayName = user.displayName;
            changed = true;
        }
        return changed;
    }

    /** The number to call the user back on: the first business phone, else the mobile phone, else null. */
    public static String phoneOf(DirectoryUser user) {
        if (user.businessPhones != null) {
            for (String p : user.businessPhones) {
                if (!absent(p)) {
                    return p;
                }
            }
        }
        return absent(user.mobilePhone) ? null : user.mobilePhone;
    }

    private static boolean absent(String s) {
        return s == null || s.isBlank();
    }
}
