package dev.beacon.control.directory;

/**
 * What one directory sync did.
 *
 * @param status    {@link DirectorySync#OK} or why not (see {@link DirectorySyncView#status()}), or
 *                  {@link DirectorySync#LEASE_LOST}
 * @param full      it read the whole directory (no delta link, or Graph had expired it)
 * @param published records published: users and tombstones
 * @param requests  Graph requests made
 */
public record DirectorySyncResult(String integrationId, String status, boolean full, long published,
                                  int requests) {}
