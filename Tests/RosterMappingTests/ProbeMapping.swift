import Foundation
import RosterCore
import RosterMapping
import Testing

/// A mapping that reads every kind of path: plain, nested, indexed, digits as key or index,
/// quoted keys, a list and an object as a whole, first_of, template, value map.
let probeMapping = """
    id: id
    columns:
      First Name: {path: text, transforms: [trim]}
      Last Name: {path: obj.key}
      License: {constant: Enterprise}
      Extension: {path: list.0, transforms: [digits, {last: 4}]}
      Email Address: {first_of: [mail, upn], transforms: [trim, lower]}
      Role: {path: dept, map: {Support: Agent, IT: Admin}, default: Agent}
      Data Center: {template: "{{number}}/{{flag}}"}
    attributes:
      number: {path: number}
      flag: {path: flag}
      list: {path: list}
      list name: {path: list.1.name}
      obj: {path: obj}
      obj digit: {path: obj.0}
      obj quoted digit: {path: obj."0"}
      deep: {path: a.b.c.d}
      dotted: {path: "\\"a.b\\""}
      odata: {path: "\\"@odata.type\\""}
      first: {first_of: [missing, blank, text]}
      nothing: {path: nothing.at.all}
    """
