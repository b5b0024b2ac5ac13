"""ERN messages written by code from the published 4.3 and 3.8.2 structures."""

from __future__ import annotations


def ern43(*, writer_ipi: str | None = "00123456789", missing_file: bool = False) -> str:
    ipi = f"<IpiNameNumber>{writer_ipi}</IpiNameNumber>" if writer_ipi else ""
    second_uri = "resources/A2-missing.flac" if missing_file else "resources/A2.flac"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ern:NewReleaseMessage xmlns:ern="http://ddex.net/xml/ern/43" MessageSchemaVersionId="ern/43"
    LanguageAndScriptCode="en" AvsVersionId="4">
  <MessageHeader>
    <MessageId>MSG-0001</MessageId>
    <MessageSender><PartyId>PADPIDA2014120301X</PartyId><PartyName><FullName>North Distribution</FullName></PartyName></MessageSender>
    <MessageCreatedDateTime>2025-10-30T10:00:00Z</MessageCreatedDateTime>
  </MessageHeader>
  <PartyList>
    <Party><PartyReference>PWriter</PartyReference><PartyName><FullName>Jane Smith</FullName></PartyName>
      <PartyId>{ipi}<ISNI>000000012345678X</ISNI></PartyId></Party>
    <Party><PartyReference>PLyricist</PartyReference><PartyName><FullName>Ken Ito</FullName></PartyName></Party>
    <Party><PartyReference>PArtist</PartyReference><PartyName><FullName>The Hollow Pines</FullName></PartyName></Party>
    <Party><PartyReference>PLabel</PartyReference><PartyName><FullName>Lantern Yard Records</FullName></PartyName></Party>
  </PartyList>
  <ResourceList>
    <SoundRecording>
      <ResourceReference>A1</ResourceReference>
      <Type>MusicalWorkSoundRecording</Type>
      <SoundRecordingEdition>
        <ResourceId><ISRC>GBLYR2500001</ISRC></ResourceId>
        <TechnicalDetails><TechnicalResourceDetailsReference>T1</TechnicalResourceDetailsReference>
          <DeliveryFile><Type>AudioFile</Type><File><URI>resources/A1.flac</URI></File></DeliveryFile>
        </TechnicalDetails>
      </SoundRecordingEdition>
      <DisplayTitleText>Cedar Smoke</DisplayTitleText>
      <DisplayTitle><TitleText>Cedar Smoke</TitleText></DisplayTitle>
      <DisplayArtistName>The Hollow Pines</DisplayArtistName>
      <DisplayArtist SequenceNumber="1"><ArtistPartyReference>PArtist</ArtistPartyReference><DisplayArtistRole>MainArtist</DisplayArtistRole></DisplayArtist>
      <Contributor SequenceNumber="1"><ContributorPartyReference>PWriter</ContributorPartyReference><Role>Composer</Role></Contributor>
      <Contributor SequenceNumber="2"><ContributorPartyReference>PLyricist</ContributorPartyReference><Role>Lyricist</Role></Contributor>
      <Duration>PT3M12S</Duration>
      <CreationDate IsApproximate="false">2025-03-01</CreationDate>
    </SoundRecording>
    <SoundRecording>
      <ResourceReference>A2</ResourceReference>
      <Type>MusicalWorkSoundRecording</Type>
      <SoundRecordingEdition>
        <ResourceId><ISRC>GBLYR2500002</ISRC></ResourceId>
        <TechnicalDetails><TechnicalResourceDetailsReference>T2</TechnicalResourceDetailsReference>
          <DeliveryFile><Type>AudioFile</Type><File><URI>{second_uri}</URI></File></DeliveryFile>
        </TechnicalDetails>
      </SoundRecordingEdition>
      <DisplayTitleText>Kettle River</DisplayTitleText>
      <DisplayArtistName>The Hollow Pines</DisplayArtistName>
      <Contributor SequenceNumber="1"><ContributorPartyReference>PWriter</ContributorPartyReference><Role>ComposerLyricist</Role></Contributor>
      <Duration>PT2M48.5S</Duration>
    </SoundRecording>
  </ResourceList>
  <ReleaseList>
    <Release>
      <ReleaseReference>R0</ReleaseReference>
      <ReleaseType>Album</ReleaseType>
      <ReleaseId><ICPN>5054321000013</ICPN></ReleaseId>
      <DisplayTitleText>Woodsmoke</DisplayTitleText>
      <DisplayArtistName>The Hollow Pines</DisplayArtistName>
      <ReleaseLabelReference>PLabel</ReleaseLabelReference>
      <ResourceGroup><ResourceGroupContentItem><ReleaseResourceReference>A1</ReleaseResourceReference></ResourceGroupContentItem>
        <ResourceGroupContentItem><ReleaseResourceReference>A2</ReleaseResourceReference></ResourceGroupContentItem></ResourceGroup>
      <ReleaseDate>2025-11-07</ReleaseDate>
    </Release>
  </ReleaseList>
</ern:NewReleaseMessage>
"""


def ern382() -> str:
    return """<?xml version="1.0" encoding="UTF-8"?>
<ern:NewReleaseMessage xmlns:ern="http://ddex.net/xml/ern/382" MessageSchemaVersionId="ern/382">
  <MessageHeader><MessageId>OLD-7</MessageId>
    <MessageSender><PartyId>PADPIDA0000000001</PartyId><PartyName><FullName>Old Distro</FullName></PartyName></MessageSender>
  </MessageHeader>
  <ResourceList>
    <SoundRecording>
      <SoundRecordingType>MusicalWorkSoundRecording</SoundRecordingType>
      <SoundRecordingId><ISRC>USOLD0900042</ISRC></SoundRecordingId>
      <ResourceReference>A1</ResourceReference>
      <ReferenceTitle><TitleText>Harbour Lights</TitleText></ReferenceTitle>
      <Duration>PT4M01S</Duration>
      <SoundRecordingDetailsByTerritory>
        <TerritoryCode>Worldwide</TerritoryCode>
        <Title TitleType="DisplayTitle"><TitleText>Harbour Lights</TitleText></Title>
        <DisplayArtist><PartyName><FullName>Grey Harbour</FullName></PartyName><ArtistRole>MainArtist</ArtistRole></DisplayArtist>
        <LabelName>Tidewater Music</LabelName>
        <ResourceContributor><PartyName><FullName>Nils Berg</FullName></PartyName>
          <PartyId><IPI>00987654321</IPI></PartyId><ResourceContributorRole>Producer</ResourceContributorRole></ResourceContributor>
        <IndirectResourceContributor><PartyName><FullName>Åsa Lind</FullName></PartyName>
          <IndirectResourceContributorRole>Composer</IndirectResourceContributorRole></IndirectResourceContributor>
        <TechnicalSoundRecordingDetails><TechnicalResourceDetailsReference>T1</TechnicalResourceDetailsReference>
          <File><FileName>A1.mp3</FileName><FilePath>resources/</FilePath></File></TechnicalSoundRecordingDetails>
      </SoundRecordingDetailsByTerritory>
    </SoundRecording>
  </ResourceList>
  <ReleaseList>
    <Release><ReleaseId><ICPN>0724384960650</ICPN></ReleaseId><ReleaseReference>R0</ReleaseReference>
      <ReferenceTitle><TitleText>Harbour</TitleText></ReferenceTitle>
      <ReleaseResourceReferenceList><ReleaseResourceReference>A1</ReleaseResourceReference></ReleaseResourceReferenceList>
      <ReleaseDetailsByTerritory><TerritoryCode>Worldwide</TerritoryCode><LabelName>Tidewater Music</LabelName>
        <OriginalReleaseDate>2009-06-01</OriginalReleaseDate></ReleaseDetailsByTerritory>
    </Release>
  </ReleaseList>
</ern:NewReleaseMessage>
"""
