/// The XML Schema of Tambon's e-CMS letter envelope: the fields the government exchange standard (e-CMS, TH e-GIF)
/// documents for a letter, as listed in the domain facts — no public XSD could be had, so this one is written from
/// that list and is the contract of `tambon letters export|import`. Every envelope read is validated against it by
/// libxml2 before any field is used.
enum ECMSSchema {
    static let namespace = "urn:tambon:ecms:letter:1"

    static let xsd = """
        <?xml version="1.0" encoding="UTF-8"?>
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:tambon:ecms:letter:1"
                   xmlns="urn:tambon:ecms:letter:1" elementFormDefault="qualified">
          <xs:simpleType name="Code"><xs:restriction base="xs:string"><xs:pattern value="00[1-4]"/></xs:restriction></xs:simpleType>
          <xs:simpleType name="Text"><xs:restriction base="xs:string"><xs:minLength value="1"/><xs:maxLength value="500"/></xs:restriction></xs:simpleType>
          <xs:simpleType name="OptionalText"><xs:restriction base="xs:string"><xs:maxLength value="500"/></xs:restriction></xs:simpleType>
          <xs:simpleType name="Mime">
            <xs:restriction base="xs:string">
              <xs:enumeration value="application/pdf"/><xs:enumeration value="image/jpeg"/><xs:enumeration value="image/png"/>
            </xs:restriction>
          </xs:simpleType>
          <xs:complexType name="Party">
            <xs:sequence>
              <xs:element name="Name" type="Text"/>
              <xs:element name="JobTitle" type="OptionalText" minOccurs="0"/>
              <xs:element name="OrganizationID" type="Text"/>
              <xs:element name="DepartmentID" type="OptionalText" minOccurs="0"/>
            </xs:sequence>
          </xs:complexType>
          <xs:complexType name="Reference">
            <xs:sequence>
              <xs:element name="ID" type="Text"/>
              <xs:element name="CorrespondenceDate" type="xs:date"/>
              <xs:element name="Subject" type="Text"/>
            </xs:sequence>
          </xs:complexType>
          <xs:complexType name="File">
            <xs:simpleContent>
              <xs:extension base="xs:base64Binary">
                <xs:attribute name="MimeCode" type="Mime" use="required"/>
                <xs:attribute name="Name" type="Text" use="required"/>
              </xs:extension>
            </xs:simpleContent>
          </xs:complexType>
          <xs:element name="Letter">
            <xs:complexType>
              <xs:sequence>
                <xs:element name="ID" type="Text"/>
                <xs:element name="CorrespondenceDate" type="xs:date"/>
                <xs:element name="Subject" type="Text"/>
                <xs:element name="SecretCode" type="Code"/>
                <xs:element name="SpeedCode" type="Code"/>
                <xs:element name="LetterKind" type="Text"/>
                <xs:element name="Salutation" type="Text"/>
                <xs:element name="Sender" type="Party"/>
                <xs:element name="Receiver" type="Party" maxOccurs="1000"/>
                <xs:element name="ReferenceCorrespondence" type="Reference" minOccurs="0" maxOccurs="20"/>
                <xs:element name="Description" type="OptionalText" minOccurs="0"/>
                <xs:element name="SendDate" type="xs:dateTime"/>
                <xs:element name="MainLetter" type="File" minOccurs="0"/>
                <xs:element name="Attachment" type="File" minOccurs="0" maxOccurs="50"/>
              </xs:sequence>
            </xs:complexType>
          </xs:element>
        </xs:schema>
        """
}
