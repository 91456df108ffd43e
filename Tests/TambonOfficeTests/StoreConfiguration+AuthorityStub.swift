import TambonCore
import TambonStore

// A stand-in until `StoreConfiguration.authority` lands in TambonStore (the store enforcing the authority rules):
// this branch's store does not enforce them yet, so turning them off is a no-op here. Delete this file when merging
// with the store's `authority` property.
extension StoreConfiguration {
    var authority: AuthorityRules? {
        get { nil }
        set {}
    }
}
