// The tables behind PhonemeAlphabet, written from espeak-ng 1.51's phoneme tables
// (phsource/phonemes, ph_english, ph_english_us, ph_german, ph_french, ph_spanish, ph_italian,
// ph_base2). Each `…Mnemonics` list is every phoneme name of one table with the IPA that
// `espeak-ng --ipa` prints for it on its own ("" where it prints none); the rules IPA → mnemonic
// were chosen by hand from those lists and are held by LexiconTests' round trip through espeak-ng.

extension PhonemeAlphabet {

    static let baseRules: [Rule] = [
        .init("p", "p"),
        .init("b", "b"),
        .init("t", "t"),
        .init("d", "d"),
        .init("k", "k"),
        .init("g", "g"),
        .init("ɡ", "g"),
        .init("f", "f"),
        .init("v", "v"),
        .init("θ", "T"),
        .init("ð", "D"),
        .init("s", "s"),
        .init("z", "z"),
        .init("ʃ", "S"),
        .init("ʒ", "Z"),
        .init("h", "h"),
        .init("m", "m"),
        .init("n", "n"),
        .init("ŋ", "N"),
        .init("ɲ", "n^"),
        .init("l", "l"),
        .init("ʎ", "l^"),
        .init("j", "j"),
        .init("w", "w"),
        .init("ʍ", "w#"),
        .init("ç", "C"),
        .init("x", "x"),
        .init("χ", "X"),
        .init("ɣ", "Q"),
        .init("ʁ", "Q\""),
        .init("ʀ", "r\""),
        .init("r", "R"),
        .init("ɾ", "*"),
        .init("ɹ", "r"),
        .init("ʔ", "?"),
        .init("β", "B"),
        .init("ɟ", "J"),
        .init("c", "c"),
        .init("q", "q"),
        .init("ʝ", "J^"),
        .init("ɫ", "L"),
        .init("ɬ", "l#"),
        .init("ʋ", "v#"),
        .init("ɕ", "S;"),
        .init("ʑ", "Z;"),
        .init("ʂ", "s."),
        .init("ʐ", "z."),
        .init("ɭ", "l."),
        .init("ɳ", "n."),
        .init("tʃ", "tS"),
        .init("dʒ", "dZ"),
        .init("ts", "ts"),
        .init("dz", "dz"),
        .init("pf", "pF"),
        .init("tɕ", "tS;"),
        .init("dʑ", "dZ;"),
        .init("n̩", "n-"),
        .init("l̩", "l-"),
        .init("m̩", "m-"),
        .init("ŋ̩", "N-"),
        .init("ɥ", "j"),
        .init("a", "a"),
        .init("e", "e"),
        .init("i", "i"),
        .init("o", "o"),
        .init("u", "u"),
        .init("y", "y"),
        .init("ə", "@"),
        .init("ɛ", "E"),
        .init("ɔ", "O"),
        .init("ɪ", "I"),
        .init("ʊ", "U"),
        .init("ʌ", "V"),
        .init("æ", "a"),
        .init("ɑ", "A"),
        .init("ɒ", "0"),
        .init("œ", "W"),
        .init("ø", "Y"),
        .init("ʏ", "Y"),
        .init("ɐ", "a#"),
        .init("ɜ", "3"),
        .init("ɚ", "3"),
        .init("ɝ", "3:"),
        .init("ᵻ", "I#"),
        .init("ɑ̃", "A~"),
        .init("ɔ̃", "O~"),
        .init("ɛ̃", "E~"),
        .init("œ̃", "W~"),
        .init("ã", "A~"),
        .init("õ", "O~"),
        .init("ˈ", "'"),
        .init("ˌ", ","),
        .init("ː", ":"),
        .init(" ", " "),
    ]

    static let englishRules: [Rule] = [
        .init("iː", "i:"),
        .init("uː", "u:"),
        .init("ɑː", "A:"),
        .init("ɔː", "O:"),
        .init("ɜː", "3:"),
        .init("ɝ", "3:"),
        .init("ɚ", "3"),
        .init("ɜ", "3:"),
        .init("e", "E"),
        .init("ɛ", "E"),
        .init("æ", "a"),
        .init("ɑ", "A:"),
        .init("eɪ", "eI"),
        .init("aɪ", "aI"),
        .init("ɔɪ", "OI"),
        .init("aʊ", "aU"),
        .init("oʊ", "oU"),
        .init("əʊ", "oU"),
        .init("ɪə", "i@"),
        .init("iə", "i@"),
        .init("eə", "e@"),
        .init("ɛə", "e@"),
        .init("ɛː", "e@"),
        .init("ʊə", "U@"),
        .init("aɪə", "aI@"),
        .init("ɪəʊ", "IoU"),
        .init("iəʊ", "ioU"),
        .init("aʊə", "aU@"),
        .init("o", "oU"),
        .init("ɐ", "a#"),
        .init("əl", "@L", .notBeforeVowel),
        .init("ɹ", "r", .beforeVowel),
        .init("ɹ", "r-"),
        .init("r", "r", .beforeVowel),
        .init("r", "r-"),
    ]

    static let englishUSRules: [Rule] = [
        .init("ɑːɹ", "A@", .notBeforeVowel),
        .init("ɑɹ", "A@", .notBeforeVowel),
        .init("ɔːɹ", "O@", .notBeforeVowel),
        .init("ɔɹ", "O@", .notBeforeVowel),
        .init("oːɹ", "o@", .notBeforeVowel),
        .init("oɹ", "o@", .notBeforeVowel),
        .init("ɛɹ", "e@", .notBeforeVowel),
        .init("eɹ", "e@", .notBeforeVowel),
        .init("ɪɹ", "i@3", .notBeforeVowel),
        .init("iɹ", "i@3", .notBeforeVowel),
        .init("ʊɹ", "U@", .notBeforeVowel),
        .init("ʌɹ", "VR", .notBeforeVowel),
        .init("aɪɚ", "aI3"),
        .init("aɪɹ", "aI3", .notBeforeVowel),
        .init("ɚ", "3"),
        .init("əɹ", "3", .notBeforeVowel),
        .init("ɜːɹ", "3:", .notBeforeVowel),
        .init("ɝ", "3:"),
        .init("ɾ", "t#"),
    ]

    static let englishGBRules: [Rule] = [
        .init("ɒ", "0"),
        .init("a", "a"),
    ]

    static let germanRules: [Rule] = [
        .init("aː", "A:"),
        .init("ɑː", "A:"),
        .init("ɑ", "A"),
        .init("eː", "e:"),
        .init("ɛː", "E:"),
        .init("ɪ", "I"),
        .init("iː", "i:"),
        .init("ɔ", "O"),
        .init("oː", "o:"),
        .init("uː", "u:"),
        .init("yː", "y:"),
        .init("ʏ", "y"),
        .init("øː", "Y:"),
        .init("ø", "Y:"),
        .init("œ", "W"),
        .init("ɐ", "3"),
        .init("ɜ", "3"),
        .init("aɪ", "aI"),
        .init("aʊ", "aU"),
        .init("ɔʏ", "OY"),
        .init("ɔø", "OY"),
        .init("ʁ", "r"),
        .init("ɾ", "r"),
        .init("r", "R"),
        .init("pf", "pF"),
    ]

    static let frenchRules: [Rule] = [
        .init("ʁ", "r"),
        .init("ɛ̃", "E~"),
        .init("ɑ̃", "A~"),
        .init("ɔ̃", "O~"),
        .init("œ̃", "W~"),
        .init("ø", "Y"),
        .init("œ", "W"),
        .init("ɥ", "j."),
        .init("ɑ", "a"),
    ]

    static let spanishRules: [Rule] = [
        .init("ɪ", "i"),
        .init("ʊ", "u"),
        .init("ɾ", "r"),
        .init("r", "R2"),
        .init("ʝ", "J^"),
    ]

    static let italianRules: [Rule] = [
        .init("r", "R"),
        .init("ɾ", "*"),
    ]

    static let base2Rules: [Rule] = [
        .init("aɪ", "aI"),
        .init("aʊ", "aU"),
        .init("eɪ", "eI"),
        .init("oɪ", "oI"),
        .init("eʊ", "eU"),
        .init("ɛɪ", "EI"),
        .init("iʊ", "iU"),
        .init("uɪ", "uI"),
    ]

    /// Each phoneme table's mnemonics with the IPA espeak-ng prints for each (" "-separated `name=ipa`).

    static let baseMnemonics = #"""
#@=ʰə #X1=ʰχ #a=ʰa #e=ʰe #i=ʰi #o=ʰo #u=ʰu *=ɾ **=ɾ ?=ʔ @=ə @-=ə B=β C=ç D=ð J=ɟ J^=ʝ L=ɫ L/=l N=ŋ N-=ŋ̩ Q=ɣ Q"=ʁ Q^=ɣ^ R=r R2=r R3=r S=ʃ S;=ɕ T=θ X=χ Z=ʒ Z;=ʑ a=a b=b c=c d=d dZ=dʒ dZ;=dʑ d[=d̪ e=e f=f g=ɡ h=h i=i j=j k=k l=l l#=ɬ l-=l̩ l.=ɭ l/=l l/2=l l/3=l l^=ʎ m=m m-=m̩ n=n n-=n̩ n.=ɳ n^=ɲ o=o p=p q=q r=r r"=ʀ r-=r̩ r.=r. r/=r s=s s.=ʂ s;=ʂ t=t tS=tʃ tS;=tɕ t[=t̪ u=u v=v v#=ʋ w=w x=x z=z z.=ʐ z;=ʑ
"""#

    static let englishMnemonics = #"""
#@=ʰə #X1=ʰχ #a=ʰa #e=ʰe #i=ʰi #o=ʰo #u=ʰu *=ɾ **=ɾ 0=ɒ 0#=ɒ 02=ɒ 3=ə 3:=ɜː ?=ʔ @=ə @#=ə @-=ə @2=ə @5=ʊ @L=əl A#=a A:=ɑː A@=ɑː A~=ɑ̃ B=β C=ç D=ð E=ɛ E#=ɛ E2=ɛ I=ɪ I#=ɪ I2=ɪ I2#=ɪ IR=əɹ J=ɟ J^=ʝ L=ɫ L/=l N=ŋ N-=ŋ̩ O=ɔ O2=ɒ O:=ɔː O@=ɔː OI=ɔɪ O~=ɔ̃ Q=ɣ Q"=ʁ Q^=ɣ^ R=r R2=r R3=r S=ʃ S;=ɕ T=θ U=ʊ U@=ʊə V=ʌ VR=ʌɹ X=χ Z=ʒ Z;=ʑ a=a a#=ɐ a#2=a a2=a aI=aɪ aI3=aɪə aI@=aɪə aU=aʊ aU@=aʊə aa=a b=b c=c d=d d#=t dZ=dʒ dZ;=dʑ d[=d̪ e=e e#=ɛ e:=eː e@=eə eI=eɪ f=f g=ɡ h=h i=i i:=iː i@=iə i@3=iə j=j k=k l=l l#=ɬ l-=l̩ l.=ɭ l/=l l/2=l l/3=l l^=ʎ m=m m-=m̩ n=n n-=n̩ n.=ɳ n^=ɲ o=o o:=oː o@=ɔː oU=əʊ oU#=əʊ p=p q=q r=ɹ r"=ʀ r-=ɹ r.=r. r/=r s=s s.=ʂ s;=ʂ t=t t#=t t2=t tS=tʃ tS;=tɕ t[=t̪ u=u u:=uː v=v v#=ʋ w=w w#=ʍ x=x z=z z#=s z.=ʐ z/2=s z;=ʑ
"""#

    static let englishUSMnemonics = #"""
#@=ʰə #X1=ʰχ #a=ʰa #e=ʰe #i=ʰi #o=ʰo #u=ʰu *=ɾ **=ɾ 0=ɑː 0#=ɑː 02=ʌ 3=ɚ 3:=ɜː ?=ʔ @=ə @#=ə @-=ə @2=ə @5=ʊ @L=əl A#=ɑː A:=ɑː A@=ɑːɹ A~=ɑ̃ B=β C=ç D=ð E=ɛ E#=ɛ E2=ɛ I=i I#=ᵻ I2=i I2#=ᵻ IR=əɹ J=ɟ J^=ʝ L=ɫ L/=l N=ŋ N-=ŋ̩ O=ɔ O2=ɔ O:=ɔː O@=ɔːɹ OI=ɔɪ O~=ɔ̃ Q=ɣ Q"=ʁ Q^=ɣ^ R=r R2=r R3=r S=ʃ S;=ɕ T=θ U=ʊ U@=ʊɹ V=ʌ VR=ʌɹ X=χ Z=ʒ Z;=ʑ a=æ a#=ɐ a#2=æ a2=æ aI=aɪ aI3=aɪɚ aI@=aɪə aU=aʊ aU@=aɪʊɹ aa=æ b=b c=c d=d d#=t dZ=dʒ dZ;=dʑ d[=d̪ e=e e#=ɛ e:=eː e@=ɛɹ eI=eɪ f=f g=ɡ h=h i=i i:=iː i@=iə i@3=ɪɹ j=j k=k l=l l#=ɬ l-=l̩ l.=ɭ l/=l l/2=l l/3=l l^=ʎ m=m m-=m̩ n=n n-=n̩ n.=ɳ n^=ɲ o=o o:=oː o@=oːɹ oU=oʊ oU#=oʊ p=p q=q r=ɹ r"=ʀ r-=ɹ r.=r. r/=r s=s s.=ʂ s;=ʂ t=t t#=ɾ t2=t tS=tʃ tS;=tɕ t[=t̪ u=u u:=uː v=v v#=ʋ w=w w#=ʍ x=x z=z z#=s z.=ʐ z/2=s z;=ʑ
"""#

    static let germanMnemonics = #"""
#@=ʰə #X1=ʰχ #a=ʰa #e=ʰe #i=ʰi #o=ʰo #u=ʰu *=ɾ **=ɾ 3=ɜ ?=ʔ @=ə @-=ə A=ɑ A:=ɑː A~=ɑ̃ B=β C=ç D=ð E=ɛ E2=ɛ E:=ɛː EI=ɛɪ I=ɪ I:=ɪː J=ɟ J^=ʝ L=ɫ L/=l N=ŋ N-=ŋ̩ O=ɔ OY=ɔø O~=ɔ̃ Q=ɣ Q"=ʁ Q^=ɣ^ R=r R2=r R3=r S=ʃ S;=ɕ T=θ U=ʊ UR= W=œ W~=œ̃ X=χ Y:=øː Z=ʒ Z;=ʑ a=a aI=aɪ aU=aʊ b=b c=c d=d dZ=dʒ dZ;=dʑ d[=d̪ e=e e:=eː f=f g=ɡ g#=ɡ h=h i=i i2=i i:=iː iR= j=j k=k l=l l#=ɬ l-=l̩ l.=ɭ l/=l l/2=l l/3=l l2=l l^=ʎ m=m m-=m̩ n=n n-=n̩ n.=ɳ n^=ɲ o=o o:=oː oU=oʊ p=p pF=pf q=q r=r r"=ʀ r-=r̩ r.=r. r/=r s=s s.=ʂ s;=ʂ t=t tS=tʃ tS;=tɕ t[=t̪ ts=ts u=u u:=uː v=v v#=ʋ w=w x=x y=y y:=yː z=z z.=ʐ z;=ʑ
"""#

    static let frenchMnemonics = #"""
#@=ʰə #X1=ʰχ #a=ʰa #cFR=ʰcFʀ #e=ʰe #i=ʰi #l=ʰl #o=ʰo #r=ʰr #u=ʰu *=ɾ **=ɾ ?=ʔ @=ə @-=ə- A~=ɑ̃ B=β C=ç D=ð E=ɛ E-=ɛ- E~=ɛ̃ I=ɪ I2=ɪ J=ɟ J^=ʝ L=ɫ L/=l N=ŋ N-=ŋ̩ O=ɔ O~=ɔ̃ Q=ɣ Q"=ʁ Q^=ɣ^ R=r R2=r R3=r S=ʃ S;=ɕ T=θ V=ʌ W=œ W2=œ W~=œ̃ X=χ Y=ø Z=ʒ Z;=ʑ a=a a#=ɐ a-=a- b=b c=c d=d dZ=dʒ dZ;=dʑ d[=d̪ e=e e-=e- f=f g=ɡ h=h i=i j=j j.=y j/=j k=k l=l l#=ɬ l-=l̩ l.=ɭ l/=l l/2=l l/3=l l^=ʎ m=m m-=m̩ n=n n-=n̩ n.=ɳ n2=n n^=ɲ o=o oU=əʊ p=p p2=p q=q r=ʁ r"=ʀ r-=r̩ r.=r. r/=ʁ r/2=ʁ r2=ʁ s=s s.=ʂ s;=ʂ t=t t2=t t3=t tS=tʃ tS;=tɕ t[=t̪ u=u u:=uː v=v v#=ʋ w=w w/=w x=x y=y y-=y- z=z z.=ʐ z2=z z3=z z;=ʑ
"""#

    static let spanishMnemonics = #"""
#@=ʰə #X1=ʰχ #a=ʰa #e=ʰe #i=ʰi #o=ʰo #u=ʰu *=ɾ **=ɾ ?=ʔ @=ə @-=ə B=β C=ç D=ð E=ɛ EI=ɛɪ J=ɟ J^=ʝ L=ɫ L/=l N=ŋ N-=ŋ̩ O=ɔ Q=ɣ Q"=ʁ Q^=ɣ^ R=r R2=r R3=r S=ʃ S;=ɕ T=θ U=ʊ X=χ Y=ø Z=ʒ Z;=ʑ a=a a/=a aI=aɪ aU=aʊ b=b c=c d=d dZ=dʒ dZ;=dʑ d[=d̪ e=e e/=e eI=eɪ eU=eʊ f=f g=ɡ h=h i=i iU=iʊ j=j k=k l=l l#=ɬ l-=l̩ l.=ɭ l/=l l/2=l l/3=l l^=ʎ m=m m-=m̩ n=n n-=n̩ n.=ɳ n^=ɲ o=o o/=o oI=oɪ p=p q=q r=ɾ r"=ʀ r-=r̩ r.=r. r/=r s=s s.=ʂ s;=ʂ t=t tS=tʃ tS;=tɕ t[=t̪ ts=ts u=u uI=uɪ v=v v#=ʋ w=w w2=w x=x y=y z=z z.=ʐ z;=ʑ
"""#

    static let italianMnemonics = #"""
#@=ʰə #X1=ʰχ #a=ʰa #e=ʰe #i=ʰi #o=ʰo #u=ʰu *=ɾ **=ɾ ?=ʔ @=ə @-=ə B=β C=ç D=ð E=e EI=ɛɪ I=ɪ J=ɟ J^=ʝ L=ɫ L/=l N=ŋ N-=ŋ̩ O=o Q=ɣ Q"=ʁ Q^=ɣ^ Q~=ɣ̃ R=r R2=r R3=r S=ʃ S;=ɕ S~=s T=θ U=ʊ X=χ Y=ø Z=ʒ Z;=ʑ a=a a/=a aI=aɪ aU=aʊ b=b c=c d=d dZ=dʒ dZ;=dʑ dZ~=dʒ̃ d[=d̪ dz=dz e=e e/=e eI=eɪ eU=eʊ f=f g=ɡ g~=ɡ̃ h=h i=i i#= i/=i iU=iʊ j=j k=k k~=k̃ l=l l#=ɬ l-=l̩ l.=ɭ l/=l l/2=l l/3=l l^=ʎ m=m m-=m̩ n=n n-=n̩ n.=ɳ n^=ɲ o=o o/=o oI=oɪ p=p q=q r=ɹ r"=ʀ r-=r̩ r.=r. r/=r s=s s.=ʂ s;=ʂ ss=ss t=t tS=tʃ tS;=tɕ tS~=tʃ̃ t[=t̪ ts=ts ts2=ts u=ʊ uI=uɪ v=v v#=ʋ w=w w2=w x=x y=y z=z z.=ʐ z;=ʑ
"""#

}
